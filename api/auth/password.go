package auth

import (
	"fmt"

	"github.com/alexedwards/argon2id"
)

// params are OWASP's argon2id minimum (19 MiB, t=2, p=1). The library's
// defaults take 64 MiB per CPU per login, an easy way to exhaust memory
// under a login flood.
var params = &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}

// MinPasswordLength is the shortest password accepted for a new or reset password.
const MinPasswordLength = 10

// HashPassword returns the PHC-format argon2id hash of password.
func HashPassword(password string) (string, error) {
	h, err := argon2id.CreateHash(password, params)
	if err != nil {
		return "", fmt.Errorf("auth: hash password: %w", err)
	}
	return h, nil
}

// dummyHash is compared against when the username does not exist, so a
// failed login takes the same time whether or not the account exists.
var dummyHash, _ = HashPassword("phusong-timing-equaliser")

func checkPassword(password, hash string) bool {
	ok, err := argon2id.ComparePasswordAndHash(password, hash)
	return err == nil && ok
}
