#!/bin/sh
# Regenerates the PROJ golden vectors of this directory with PROJ's cs2cs
# (proj-bin 9.1.1 on Debian 12). go test never calls cs2cs; run this by hand
# from geo/coord/testdata and commit the output.
set -eu
TOWGS84=-191.90441429,-39.30318279,-111.45032835,0.00928836,-0.01975479,0.00427372,0.252906278

# proj_tm.csv: Transverse Mercator alone (no datum shift) on the WGS 84
# ellipsoid, out to 3.5° from the central meridian: TM-3 (k0 0.9999) about
# 105°45' and UTM 48N (k0 0.9996) about 105°.
{
	echo "lon0,k0,lon,lat,x,y"
	for lat in 6 8.5 11 14.25 17 20.5 23.5; do
		for d in -3.5 -3 -2.25 -1.5 -0.75 -0.1 0 0.4 1.2 1.5 2.6 3 3.5; do
			for z in "105.75 0.9999" "105 0.9996"; do
				set -- $z
				lon=$(echo "$1 + $d" | bc -l)
				xy=$(echo "$lon $lat" | cs2cs -f %.6f +proj=longlat +ellps=WGS84 +type=crs \
					+to +proj=tmerc +lon_0=$1 +k=$2 +x_0=500000 +ellps=WGS84 +type=crs | awk '{print $1 "," $2}')
				echo "$1,$2,$lon,$lat,$xy"
			done
		done
	done
} > proj_tm.csv

# proj_helmert.csv: WGS 84 → VN-2000 geographic with the QĐ 05/2007
# parameters pinned, over the whole box of Vietnam, and PROJ's inverse of
# the result (which takes h = 0 on the VN-2000 side).
{
	echo "wgs84_lon,wgs84_lat,vn2000_lon,vn2000_lat,proj_inverse_lon,proj_inverse_lat"
	for lat in 6 9 12 15 18 21 24; do
		for lon in 101.5 104 106.5 109 111.5 114 116.5 118; do
			vn=$(echo "$lon $lat" | cs2cs -f %.11f +proj=longlat +datum=WGS84 +type=crs \
				+to +proj=longlat +ellps=WGS84 +towgs84=$TOWGS84 +type=crs | awk '{print $1 " " $2}')
			back=$(echo "$vn" | cs2cs -f %.11f +proj=longlat +ellps=WGS84 +towgs84=$TOWGS84 +type=crs \
				+to +proj=longlat +datum=WGS84 +type=crs | awk '{print $1 "," $2}')
			echo "$lon,$lat,$(echo "$vn" | tr ' ' ','),$back"
		done
	done
} > proj_helmert.csv
