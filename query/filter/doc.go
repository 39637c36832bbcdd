// Package filter parses and evaluates the runs filter language, and reads
// the fields it names from a run, for sorting and grouping too.
//
// # Language
//
//	expr    = or
//	or      = and { "or" and }
//	and     = unary { "and" unary }
//	unary   = "not" unary | "(" or ")" | compare
//	compare = operand op operand
//	        | operand ["not"] "in" ( list | field )
//	        | field "contains" operand
//	op      = "=" | "==" | "!=" | "<" | "<=" | ">" | ">=" | "=~" | "!~"
//	list    = "[" [ literal { "," literal } ] "]"
//	operand = field | literal
//	literal = string | number | "true" | "false" | "null"
//
// Keywords are case-insensitive. Strings take double or single quotes with
// backslash escapes. A field is a path of letters, digits and the
// characters _ . / - : @ starting with a letter or _, so metric keys such as
// summary.val/acc need no quoting; a path with other characters is written
// between backquotes (`summary.my key`).
//
// # Fields
//
//	name id group job_type state notes author   strings
//	tags                                         list of strings
//	created heartbeat                            times (compare with
//	                                             "2024-05-01", RFC 3339 or
//	                                             unix seconds)
//	last_step                                    number
//	config.A.B                                   config["A"]["B"], or the
//	                                             literal key "A.B"
//	summary.KEY                                  the latest value of KEY
//	summary.KEY.min|max|last|step                its extremes, or the step
//	                                             of its latest point
//
// For summary.KEY.min and friends the suffix is an aggregate when the run
// has the key without it, and part of the key otherwise.
//
// # Meaning
//
// Numbers compare as numbers, strings byte by byte, times in time order,
// false before true. A comparison between values of different kinds, with a
// missing field or with NaN is false, and != is exactly "not =", so
// config.opt != "adam" holds for runs without config.opt. "x" in tags and
// tags contains "x" test membership in a list and substrings of a string;
// a list field in [..] holds when any of its elements is in the list. =~
// matches a Go regular expression (RE2 syntax) anywhere in a string.
package filter
