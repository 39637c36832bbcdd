// Package access keeps who may do what: users, their API keys, teams and
// team memberships. The server asks it who holds a key and whether a user
// belongs to (or administers) a team; project ownership itself lives in
// the engine's catalogue.
//
// Terms: a user is a named account; an API key is a random secret that
// authenticates one user; a team groups users; a member of a team may be
// one of its admins, who add members. The user named "admin" is the
// built-in administrator, allowed everything.
//
// # Format
//
// Records live in the Badger database shared with the engine, under keys
// that start with "a/" (docs/format/access.md has the byte diagrams):
//
//	a/u/<user>                 -> 0x01 JSON {name, admin, created, keys}
//	a/k/<sha256 of key, 32 B>  -> 0x01 <user>
//	a/t/<team>                 -> 0x01 JSON {name, created}
//	a/m/<team> 0x00 <user>     -> 0x01 JSON {admin}
//
// Every value starts with a version byte (1). Keys are stored only as their
// SHA-256: a key is 32 random bytes, so a plain hash is as strong as a slow
// password hash and lets a request be authenticated with one map lookup.
//
// # Concurrency
//
// A Store is safe for concurrent use. The whole access state is small and
// is held in memory, loaded at Open; writes go to Badger first, in one
// transaction, and reach memory only once committed.
//
// # Invariants
//
// Every key record names an existing user, and that user's record lists
// the key's hash. Every membership names an existing team and user. Names
// match [A-Za-z0-9_.-]{1,64}, so 0x00 never occurs inside one.
package access
