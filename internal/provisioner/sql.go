package provisioner

import (
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
)

// quoteIdent quotes a SQL identifier: tenant names contain '-', so every
// identifier is quoted, always, even when validation makes it harmless.
func quoteIdent(s string) string { return `"` + strings.ReplaceAll(s, `"`, `""`) + `"` }

// quoteLiteral quotes a SQL string literal the way PostgreSQL's
// quote_literal does: quotes doubled, and when there is a backslash an
// escape string (E'...') with backslashes doubled, so the value is the
// same whatever standard_conforming_strings says. Utility statements (CREATE ROLE, ALTER
// ROLE ... PASSWORD) take no bind parameters, so literals are unavoidable.
func quoteLiteral(s string) string {
	q := strings.ReplaceAll(s, `'`, `''`)
	if strings.Contains(s, `\`) {
		return `E'` + strings.ReplaceAll(q, `\`, `\\`) + `'`
	}
	return `'` + q + `'`
}

// SCRAM parameters PostgreSQL itself uses (scram_iterations' default and
// SCRAM_DEFAULT_SALT_LEN).
const (
	scramIterations = 4096
	scramSaltLen    = 16
)

// scramVerifier hashes password into the SCRAM-SHA-256 verifier PostgreSQL
// stores in pg_authid.rolpassword (RFC 5802/7677:
// SCRAM-SHA-256$<iterations>:<salt>$<StoredKey>:<ServerKey>). Sending the
// verifier instead of the password, as psql's \password does, keeps the
// plaintext out of the SQL text and therefore out of the server log
// (log_statement, a failing statement's STATEMENT line), pg_stat_activity
// and pg_stat_statements. PostgreSQL stores a value that parses as a
// verifier as is.
//
// PostgreSQL SASLpreps the password before hashing; for ASCII input that is
// the identity (saslprep.c returns pure ASCII unchanged), which is why
// passwords are limited to printable ASCII.
func scramVerifier(password string) (string, error) {
	salt := make([]byte, scramSaltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	return scramVerifierWith(password, salt, scramIterations)
}

func scramVerifierWith(password string, salt []byte, iterations int) (string, error) {
	salted, err := pbkdf2.Key(sha256.New, password, salt, iterations, sha256.Size)
	if err != nil {
		return "", err
	}
	mac := func(msg string) []byte {
		h := hmac.New(sha256.New, salted)
		h.Write([]byte(msg))
		return h.Sum(nil)
	}
	stored := sha256.Sum256(mac("Client Key"))
	b64 := base64.StdEncoding.EncodeToString
	return fmt.Sprintf("SCRAM-SHA-256$%d:%s$%s:%s", iterations, b64(salt), b64(stored[:]), b64(mac("Server Key"))), nil
}
