# Writes the hand-made CSV, GeoJSON and bad test files of geo/intake (python3 make_testdata.py,
# from this folder). The .xlsx files come from go test ./geo/intake -run TestReadTestdata -update.
import unicodedata, struct, zlib, random, json

canon = "province_code,commune_code,village_name,ref_id,lat,lon,households,population,grid_power,road_access,terrain,dbkk,signal_viettel,signal_vinaphone,signal_mobifone,signal_vietnamobile,rsrp_viettel,facilities,surveyed_on,surveyed_by,notes".split(",")
vi = ["Mã tỉnh","Mã xã","Tên thôn","Mã điểm","Vĩ độ","Kinh độ","Số hộ","Dân số","Điện lưới","Đường giao thông","Địa hình","Thôn ĐBKK","Sóng Viettel","Sóng VinaPhone","Sóng MobiFone","Sóng Vietnamobile","RSRP Viettel","Cơ sở thiết yếu","Ngày khảo sát","Người khảo sát","Ghi chú"]
rows = [
 ["12","03430","Bản Khun Há - cụm 1","LC-001","22.258136","103.583419","45","190","partial","seasonal","mountainous","yes","2g","none","none","","-118","school;health","2026-01-15","Lò Văn Minh",""],
 ["12","03433","Bản Nậm Củm","LC-002","22.340731","102.791233","32","140","no","none","mountainous","yes","none","none","none","none","","school","2026-01-16","Lò Văn Minh","Sóng chập chờn, chỉ có ở đỉnh đồi"],
 ["12","03434","Bản Pa Tần","LC-003","22.145019","103.019308","61","","yes","all_year","hilly","no","3g","2g","none","","-109","","2026-01-17","Tao Thị Hoa",""],
 ["12","03439","Bản Thu Lũm","LC-004","22.656011","102.460123","27","98","partial","seasonal","mountainous","yes","none","none","","","-131","border_post","2026-01-18","Tao Thị Hoa","Gần đồn biên phòng\nđường đất"],
 ["12","03442","Bản Pa Ủ 2","LC-005","22.625221","102.649003","38","","no","none","mountainous","yes","2g","none","none","none","","","2026-01-19","Lò Văn Minh",""],
 ["12","03445","Bản Mường Tè 3","LC-006","22.496093","102.632746","19","76","yes","all_year","mountainous","no","none","3g","none","","","market","2026-01-20","Lò Văn Minh",""],
]
def q(cell, sep):
    if any(c in cell for c in [sep, '"', '\n', '\r']):
        return '"' + cell.replace('"','""') + '"'
    return cell
def csv(rows, sep=",", nl="\n"):
    return nl.join(sep.join(q(c, sep) for c in r) for r in rows) + nl

open("valid_utf8.csv","w",encoding="utf-8",newline="").write(csv([canon]+rows))

hdr = ["STT"] + vi[:]
hdr[1+6] = unicodedata.normalize("NFD", "Số hộ")
hdr[1+2] = "TÊN THÔN"
hdr[1+4] = "vi do"
hdr[1+18] = "  Ngày   khảo sát "
body = [[str(i+1)] + r for i, r in enumerate(rows)]
vimap = {"partial":"Một phần","no":"Không","yes":"Có","seasonal":"theo mùa","none":"không có sóng","mountainous":"núi","hilly":"đồi","all_year":"quanh năm","2g":"2G","3g":"3G"}
for r in body:
    for k in (9,10,11,12,13,14,15,16):
        r[k] = vimap.get(r[k], r[k])
    r[10] = {"không có sóng": "không có đường"}.get(r[10], r[10])
    y,m,d = r[19].split("-"); r[19] = f"{d}/{m}/{y}"
open("valid_bom_vi_headers.csv","w",encoding="utf-8-sig",newline="").write(csv([hdr]+body, ",", "\r\n"))

ut = [r[:] for r in rows]
for r in ut:
    r[4] = r[4].replace(".", ","); r[5] = r[5].replace(".", ",")
open("excel_unicode_text.txt","wb").write(b"\xff\xfe" + csv([vi]+ut, "\t", "\r\n").encode("utf-16-le"))

sc = [r[:] for r in body]
for r in sc:
    r[5] = r[5].replace(".", ","); r[6] = r[6].replace(".", ",")
sc[0][21] = '=HYPERLINK("http://example.org/anh.jpg","xem ảnh")'
open("semicolon_decimal_comma.csv","w",encoding="utf-8",newline="").write(csv([hdr]+sc, ";", "\r\n"))

MODS = "\u0302\u0306\u031b"
def to1258(s):
    out = []
    for ch in unicodedata.normalize("NFC", s):
        d = unicodedata.normalize("NFD", ch)
        base = d[0] + "".join(c for c in d[1:] if c in MODS)
        tones = "".join(c for c in d[1:] if c not in MODS)
        out.append(unicodedata.normalize("NFC", base) + tones)
    return "".join(out).encode("cp1258")
open("cp1258.csv","wb").write(to1258(csv([vi]+rows, ",", "\r\n")))

tcvn = [0x00C0,0x1EA2,0x00C3,0x00C1,0x1EA0,0x1EB6,0x1EAC,0x00C8,0x1EBA,0x1EBC,0x00C9,0x1EB8,0x1EC6,0x00CC,0x1EC8,0x0128,
0x00CD,0x1ECA,0x00D2,0x1ECE,0x00D5,0x00D3,0x1ECC,0x1ED8,0x1EDC,0x1EDE,0x1EE0,0x1EDA,0x1EE2,0x00D9,0x1EE6,0x0168,
0x00A0,0x0102,0x00C2,0x00CA,0x00D4,0x01A0,0x01AF,0x0110,0x0103,0x00E2,0x00EA,0x00F4,0x01A1,0x01B0,0x0111,0x1EB0,
0x0300,0x0309,0x0303,0x0301,0x0323,0x00E0,0x1EA3,0x00E3,0x00E1,0x1EA1,0x1EB2,0x1EB1,0x1EB3,0x1EB5,0x1EAF,0x1EB4,
0x1EAE,0x1EA6,0x1EA8,0x1EAA,0x1EA4,0x1EC0,0x1EB7,0x1EA7,0x1EA9,0x1EAB,0x1EA5,0x1EAD,0x00E8,0x1EC2,0x1EBB,0x1EBD,
0x00E9,0x1EB9,0x1EC1,0x1EC3,0x1EC5,0x1EBF,0x1EC7,0x00EC,0x1EC9,0x1EC4,0x1EBE,0x1ED2,0x0129,0x00ED,0x1ECB,0x00F2,
0x1ED4,0x1ECF,0x00F5,0x00F3,0x1ECD,0x1ED3,0x1ED5,0x1ED7,0x1ED1,0x1ED9,0x1EDD,0x1EDF,0x1EE1,0x1EDB,0x1EE3,0x00F9,
0x1ED6,0x1EE7,0x0169,0x00FA,0x1EE5,0x1EEB,0x1EED,0x1EEF,0x1EE9,0x1EF1,0x1EF3,0x1EF7,0x1EF9,0x00FD,0x1EF5,0x1ED0]
rev = {chr(u): 0x80+i for i, u in enumerate(tcvn)}
def totcvn(s):
    b = bytearray()
    for ch in unicodedata.normalize("NFC", s):
        b.append(ord(ch) if ord(ch) < 0x80 else rev[ch])
    return bytes(b)
open("tcvn3.csv","wb").write(totcvn(csv([vi]+rows, ",", "\r\n")))

feats = []
for i, r in enumerate(rows):
    props = {k: v for k, v in zip(canon, r) if k not in ("lat","lon") and v != ""}
    props["households"] = int(props["households"])
    if "population" in props: props["population"] = int(props["population"])
    if "facilities" in props: props["facilities"] = props["facilities"].split(";")
    if "rsrp_viettel" in props: props["rsrp_viettel"] = int(props["rsrp_viettel"])
    feats.append({"type":"Feature","geometry":{"type":"Point","coordinates":[float(r[5]), float(r[4])]},"properties":props})
json.dump({"type":"FeatureCollection","name":"lai_chau_lom_song","features":feats}, open("valid.geojson","w",encoding="utf-8"), ensure_ascii=False, indent=1)

# A realistic file with mistakes, one or two per row.
bad = [canon + ["STT"]]
b = lambda **kw: [kw.get(k, v) for k, v in zip(canon, rows[0])] + [""]
bad += [
 b(households="0", ref_id="E-01"),
 b(lat="103.583419", lon="22.258136", ref_id="E-02", village_name="Bản Đảo ngược"),
 b(commune_code="3430", ref_id="E-03", village_name="Bản Mất số 0"),
 b(grid_power="có điện một nửa", ref_id="E-04", village_name="Bản Giá trị lạ"),
 b(surveyed_on="31/02/2026", ref_id="E-05", village_name="Bản Ngày sai"),
 b(signal_viettel="4g", ref_id="E-06", village_name="Bản Có 4G"),
 b(ref_id="LC-001", village_name="Bản Trùng mã"),
 b(ref_id="E-01", lat="22.2585", lon="103.5836"),
 b(province_code="01", ref_id="E-09", village_name="Bản Sai tỉnh"),
 b(lat="21.0285", lon="105.8542", ref_id="E-10", village_name="Bản Ở Hà Nội"),
]
open("invalid_rows.csv","w",encoding="utf-8",newline="").write(csv(bad))

open("empty.csv","wb").write(b"")
open("header_only.csv","w",encoding="utf-8").write(",".join(canon)+"\n")
random.seed(4); open("garbage.bin","wb").write(bytes(random.getrandbits(8) for _ in range(4096)))
def png(w, h):
    raw = b"".join(b"\x00" + b"\xff\x80\x00"*w for _ in range(h))
    def chunk(t, d): return struct.pack(">I", len(d)) + t + d + struct.pack(">I", zlib.crc32(t+d) & 0xffffffff)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 8, 2, 0, 0, 0)) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")
open("image_renamed.csv","wb").write(png(16, 16))
open("unclosed_quote.csv","w",encoding="utf-8",newline="").write(csv([canon, rows[0]]) + '12,03434,"Bản Pa Tần,LC-003,22.145019,103.019308,61,,yes\n' + csv([rows[2], rows[4], rows[5]]))
open("utf32.csv","wb").write(b"\xff\xfe\x00\x00" + csv([canon]+rows[:1]).encode("utf-32-le"))
json.dump({"type":"Feature","geometry":{"type":"Point","coordinates":[103.583419,22.258136]},"properties":{"province_code":"12"}}, open("not_feature_collection.json","w"))
open("array.json","w").write('[{"province_code":"12","commune_code":"03430"}]\n')
open("not_a_zip.xlsx","wb").write(b"PK\x03\x04" + bytes(random.getrandbits(8) for _ in range(2000)))
open("old_excel.xls","wb").write(bytes([0xD0,0xCF,0x11,0xE0,0xA1,0xB1,0x1A,0xE1]) + bytes(504))
