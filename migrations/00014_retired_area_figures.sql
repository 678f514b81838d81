-- owner: geo/area
-- A retired area (merged into another, or left without points) counts
-- nothing: its points, households and sites now belong to the area it
-- merged into, or to none. geo/area retires areas so from now on; this
-- clears the figures that areas retired before kept, which made a list of
-- every status count villages twice. Their versions are left as written
-- (area_versions never change); the version before the removal keeps what
-- each area was.
-- +goose Up
UPDATE areas SET points = 0, villages = 0, households = 0, population = 0, trang_song = 0, lom_song = 0,
                 sites = 0, cost_vnd = 0, score = 0, summary = '{}', digest = NULL
WHERE status <> 'active';

-- +goose Down
-- Nothing to undo: the cleared figures were copies of the version before
-- each removal, which area_versions still holds.
SELECT 1;
