-- title: Sources and what each contributed
-- description: What does each archived source give us? Per source: outlet, date and genre, and
--   how many claims it holds, about how many commitments, indicators and events, how many name
--   variants and status updates rest on it, and which discrepancies it is part of.
-- param: none
-- example: python cli.py query source-contributions
WITH from_claims AS (
    -- One pass over the claims instead of one subquery per count (a third of the time at 10^6).
    SELECT
        source_id,
        count(*) AS claims,
        count(DISTINCT commitment_id) AS commitments,
        count(DISTINCT indicator_id) AS indicators,
        count(event_id) AS event_claims
    FROM claims
    GROUP BY source_id
)
SELECT
    s.source_id,
    s.outlet,
    s.published_on,
    s.genre,
    coalesce(k.claims, 0) AS claims,
    coalesce(k.commitments, 0) AS commitments,
    coalesce(k.indicators, 0) AS indicators,
    coalesce(k.event_claims, 0) AS event_claims,
    (SELECT count(*) FROM actor_aliases AS aa WHERE aa.source_id = s.source_id) AS name_variants,
    (SELECT count(*) FROM status_updates AS su WHERE su.source_id = s.source_id) AS status_updates,
    (SELECT string_agg(DISTINCT dc.discrepancy_id, '; ' ORDER BY dc.discrepancy_id)
       FROM discrepancy_claims AS dc JOIN claims AS cl USING (claim_id)
      WHERE cl.source_id = s.source_id) AS discrepancies,
    s.title
FROM sources AS s
LEFT JOIN from_claims AS k USING (source_id)
ORDER BY s.published_on, s.source_id
