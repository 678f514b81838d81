// Package bids turns areas into bid packages (gói thầu) that operators
// download and bid on: packaging rules and their preview (plan.go), drafts
// that reviewers edit, publication of immutable versions whose files are
// generated once by bids/export and stored with their SHA-256 (publish.go),
// withdrawal, and the record of downloads. It owns the tables of
// migrations/00009_packages.sql; all their SQL is here.
//
// A package has a working copy (its row and package_areas, each area pinned
// to the area version it was added at) and published versions
// (package_versions, package_version_areas, package_files), which a trigger
// keeps immutable. Operators only ever see published versions; reviewers and
// province officers see the working copy and the versions.
//
// Decisions where the issue is silent:
//   - An area is in one working copy at most (UNIQUE (area_id)); adding it
//     to another package moves it. Withdrawal empties the working copy, which
//     frees its areas; published versions keep theirs.
//   - Moving an area out of a published package changes that package's
//     working copy only; its latest version still holds the area. A
//     package holding an area that the latest version of another package
//     still published holds is not published (the area would be tendered
//     twice) until that package is republished without it or withdrawn.
//     Moving stays allowed: reviewers rearrange drafts freely.
//   - Withdrawn packages stay listed for operators with the reason, but
//     their files answer 410 Gone to everyone but reviewers.
//   - Eligibility for the public fund: an area is eligible when at least
//     one of its villages is on the ĐBKK list and at least one has grid
//     power (yes or partial); both checks can be switched off in the rule.
//   - The proposed ceiling price is the sum of the areas' cost estimates;
//     drafts start with it, reviewers may change it.
//   - Files are stored in the database (bytea, out of line, uncompressed),
//     so a backup of the database holds everything operators were sent.
package bids
