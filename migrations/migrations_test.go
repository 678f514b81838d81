package migrations_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/phusong/phusong"
	"github.com/phusong/phusong/migrations"
	"github.com/phusong/phusong/migrations/dbtest"
)

func TestReferenceData(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	ctx := context.Background()
	checks := []struct {
		name, sql string
		want      int64
	}{
		{"provinces", `SELECT count(*) FROM provinces`, 34},
		{"communes", `SELECT count(*) FROM communes`, 3321},
		{"old provinces", `SELECT count(*) FROM old_provinces`, 63},
		{"valid province boundaries", `SELECT count(*) FROM provinces WHERE ST_IsValid(boundary) AND ST_SRID(boundary) = 4326 AND GeometryType(boundary) = 'MULTIPOLYGON'`, 34},
		{"communes with boundary", `SELECT count(*) FROM communes WHERE boundary IS NOT NULL`, 3321},
		{"NFC names", `SELECT count(*) FROM communes WHERE full_name IS NFC NORMALIZED`, 3321},
		{"Hà Nội", `SELECT count(*) FROM provinces WHERE code = '01' AND full_name = 'Thành phố Hà Nội'`, 1},
		{"Ba Đình point in Hà Nội", `SELECT count(*) FROM provinces p, communes c WHERE c.code = '00004' AND p.code = '01' AND ST_Contains(p.boundary, c.point)`, 1},
		{"old Hà Giang → Tuyên Quang", `SELECT count(*) FROM old_provinces WHERE code = '02' AND new_code = '08'`, 1},
		{"old communes map to existing codes", `SELECT count(*) FROM old_communes o, unnest(o.new_codes) n WHERE n NOT IN (SELECT code FROM communes)`, 0},
	}
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			var got int64
			if err := pool.QueryRow(ctx, c.sql).Scan(&got); err != nil {
				t.Fatal(err)
			}
			if got != c.want {
				t.Fatalf("got %d, want %d", got, c.want)
			}
		})
	}
	var n int64
	if err := pool.QueryRow(ctx, `SELECT count(*) FROM old_communes`).Scan(&n); err != nil || n < 10000 {
		t.Fatalf("old communes: %d %v, want ≥ 10000", n, err)
	}
}

// TestAuditAppendOnly: the application's role (the test role is a
// NOSUPERUSER owner, like the service's) cannot change or remove audit rows.
func TestAuditAppendOnly(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	ctx := phusong.WithActor(context.Background(), phusong.Actor{Username: "tester", Role: phusong.RoleAdmin, RequestID: "r1"})
	e := phusong.AuditEntry{Action: "test.write", ObjectType: "thing", ObjectID: "1", After: map[string]int{"n": 1}}
	if _, err := pool.Exec(ctx, phusong.AuditSQL, e.Args(ctx)...); err != nil {
		t.Fatal(err)
	}
	var super bool
	if err := pool.QueryRow(ctx, `SELECT rolsuper FROM pg_roles WHERE rolname = current_user`).Scan(&super); err != nil || super {
		t.Fatalf("the test role must not be a superuser (got %v, %v)", super, err)
	}
	for _, stmt := range []string{
		`UPDATE audit_log SET action = 'forged'`,
		`DELETE FROM audit_log`,
		`TRUNCATE audit_log`,
	} {
		_, err := pool.Exec(ctx, stmt)
		var pe *pgconn.PgError
		if !errors.As(err, &pe) || pe.Code != "42501" {
			t.Errorf("%s: got %v, want insufficient_privilege (42501)", stmt, err)
		}
	}
	var action, request string
	if err := pool.QueryRow(ctx, `SELECT action, request_id FROM audit_log WHERE object_type = 'thing'`).Scan(&action, &request); err != nil {
		t.Fatal(err)
	}
	if action != "test.write" || request != "r1" {
		t.Fatalf("got %q %q", action, request)
	}
}

// TestRefusesNewerSchema: a database migrated by a newer binary (a version
// this one does not know) is refused.
func TestRefusesNewerSchema(t *testing.T) {
	t.Parallel()
	pool := dbtest.New(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, `INSERT INTO goose_db_version (version_id, is_applied) VALUES (99999, true)`); err != nil {
		t.Fatal(err)
	}
	db := stdlib.OpenDBFromPool(pool)
	defer db.Close()
	_, err := migrations.Up(ctx, db)
	if !errors.Is(err, migrations.ErrSchemaNewer) {
		t.Fatalf("got %v, want ErrSchemaNewer", err)
	}
	st, err := migrations.StatusOf(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if st.UpToDate() || st.Current != 99999 {
		t.Fatalf("status: %+v", st)
	}
}

func TestEveryFileNamesItsOwner(t *testing.T) {
	t.Parallel()
	entries, err := migrations.FS.ReadDir(".")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		b, _ := migrations.FS.ReadFile(e.Name())
		if !strings.HasPrefix(string(b), "-- owner: ") {
			t.Errorf("%s: the first line must be '-- owner: <package>'", e.Name())
		}
	}
}
