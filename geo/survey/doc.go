// Package survey owns survey points and submissions, and the review
// workflow: a province submits a file (submitted), reviewers accept it or
// return it with a comment (accepted / returned).
//
// A point belongs to one submission, the last that sent its ref_id: a
// resubmission takes points over from older submissions. One still waiting
// for review that is left with none becomes superseded (its villages are
// reviewed under the later one) and can no longer be decided; accepted and
// returned ones keep their status, a record of a decision made.
// submissions.points_now counts what each owns now.
//
// Tables: submissions, survey_points (migrations/00006_survey.sql,
// 00017_submission_superseded.sql).
//
// A submission is stored whole or not at all: Submit streams the points a
// reader emits with COPY inside one transaction, checks them against the
// stored points (same ref_id: update; same village name within 100 m under
// another id: refuse), and either commits them all or rolls every point
// back and keeps only the submission's row and problems, so the officer
// can read and download them. Submissions of one province run one at a
// time (a transaction-scoped advisory lock): two files sent at once could
// otherwise both store the same village. The first submission of a
// province has nothing to collide with, so it is copied straight into
// survey_points; later ones go through a staging table for the checks.
//
// Every query is scoped by the actor in the context: a province officer's
// queries carry its province code, so a handler that forgot a check still
// cannot leak another province's unpublished points.
//
// What it does not do: read files (geo/intake does, without a database).
//
// Glossary: thôn/bản/ấp — village; trắng sóng — no signal at all;
// lõm sóng — signal but no 4G; ĐBKK — especially disadvantaged village.
package survey
