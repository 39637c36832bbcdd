// Package sextant is the root of the Sextant module: a store and server for
// machine-learning run data. It holds no code of its own; the layers live in
// engine (the metric store), query (chart queries, run search, exports),
// workspace (layouts, views, reports), server (the HTTP API and web UI),
// client (Go and Python clients, importers) and cmd/sextant (the binary).
// See docs/architecture.md for how they fit together.
//
// The tests in this package check rules that hold for the whole tree, such
// as every package carrying a doc comment.
package sextant
