// Package auth owns accounts, web sessions, API tokens and the single
// authorization check every route goes through.
//
// Tables: users, sessions, api_tokens (migrations/00004_accounts.sql); it
// reads audit_log for GET /api/v1/audit and writes audit rows for logins,
// logouts, failed logins and account changes in the same transaction as
// the change.
//
// Passwords are hashed with argon2id (OWASP parameters: 19 MiB, 2
// iterations, 1 lane), so a login costs ~20 ms of one core; logins are
// rate-limited per address in api and per submitted username here
// (MaxFailures failures lock the username for LockFor, whether or not the
// account exists, so a lockout does not reveal which usernames exist; an
// unknown username is checked against a dummy hash for the same reason).
// The lockout is kept in memory per process (loginLimiter); the former
// per-account columns users.failed_logins and users.locked_until are
// dropped (migration 00016).
// Session ids and API tokens are
// 256-bit random values stored as SHA-256 hashes: a database leak does not
// leak usable credentials, and a fast hash is enough for values that
// cannot be guessed.
//
// What it does not do: decide what a province officer may see inside a
// table. Stores scope their own queries by the actor in the context
// (phusong.ActorFrom); Policy only says which roles may call a route.
package auth
