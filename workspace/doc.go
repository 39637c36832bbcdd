// Package workspace stores how people look at a project's runs: their
// workspaces, saved views, reports and share links, in the Badger database
// that holds the metrics, under keys that start with "w/".
//
// Terms:
//
//   - A workspace is one user's layout of one project: a Spec holding the
//     run-table state and sections of panels. Each user has one per
//     project; only its owner changes it. The project's default workspace
//     (owner DefaultOwner) is what a newcomer's workspace starts from.
//   - A section is a titled, collapsible group of panels; a panel is a
//     line plot, scalar, bar chart, run table or markdown text.
//   - A run set is a choice of runs: the visible runs and colors of a
//     workspace's run table, or the ids or filter of a report section.
//   - A revision is one saved state of a workspace. Every change (save,
//     undo, redo, copy) adds one to the workspace's revision number; a
//     save must name the current revision, so two tabs saving at once are
//     told apart instead of one silently losing its work. Undo and redo
//     walk a bounded history of saved specs.
//   - The automatic layout gives every metric key a line plot in the
//     section named by its prefix before the first "/" (DefaultSection
//     when it has none). A spec with Auto set follows it; once its owner
//     arranges panels by hand it keeps its arrangement, and keys logged
//     later are appended to their section. KnownKeys tells new keys apart.
//   - A view is a named copy of a layout; a project has several, and any
//     member may edit them.
//   - A report is a page of markdown and panel sections, each section
//     with its own run set; a static report keeps the data it showed when
//     it was saved (see Snapshot), a dynamic one draws live data.
//   - A share link is a random token that lets anyone without a key read
//     one report and the chart data its sections draw.
//
// # Format
//
// Keys (docs/format/workspace.md has the full page). Strings are written
// as a uvarint length followed by their bytes, so no key of one workspace
// is a prefix of another's; owner "" is the default workspace:
//
//	w/ 'h' project owner              -> head: format 1, revision, first,
//	                                     pos, last (uvarints), updated
//	                                     (varint Unix ms)
//	w/ 'r' project owner seq(8, BE)   -> format 1, spec JSON
//	w/ 'v' project id                 -> format 1, view JSON
//	w/ 'p' project id                 -> format 1, report JSON
//	w/ 't' sha256(token)              -> format 1, share JSON
//	w/ 's' project report sha256(token) -> empty (a report's links)
//
// A spec's JSON carries its own "version"; Decode migrates older versions
// one step at a time (see Migrate).
//
// # Concurrency
//
// A Store is safe for concurrent use. Each operation is one Badger
// read-write transaction, whose reads Badger checks for conflicts at
// commit: of two saves of the same revision exactly one commits, the
// other returns ErrStaleRevision and changes nothing. Undo, redo, copy and
// first reads retry a lost race a few times.
//
// # Invariants
//
//   - A workspace's history entries first..last all exist and pos lies
//     between them; last-first < the history bound.
//   - The revision number only grows, so no two states of a workspace
//     share one.
//   - Every stored spec has the current version and passes Validate.
//   - A share link's token is stored only as its SHA-256; a token key and
//     its report's index key exist together or not at all.
package workspace
