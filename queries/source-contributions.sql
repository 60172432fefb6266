-- title: Sources and what each contributed
-- description: What does each archived source give us? Per source: outlet, date and genre, and
--   how many claims it holds, about how many commitments, indicators and events, how many name
--   variants and status updates rest on it, and which discrepancies it is part of.
-- param: none
-- example: python cli.py query source-contributions
SELECT
    s.source_id,
    s.outlet,
    s.published_on,
    s.genre,
    (SELECT count(*) FROM claims AS cl WHERE cl.source_id = s.source_id) AS claims,
    (SELECT count(DISTINCT cl.commitment_id) FROM claims AS cl WHERE cl.source_id = s.source_id) AS commitments,
    (SELECT count(DISTINCT cl.indicator_id) FROM claims AS cl WHERE cl.source_id = s.source_id) AS indicators,
    (SELECT count(*) FROM claims AS cl WHERE cl.source_id = s.source_id AND cl.event_id IS NOT NULL) AS event_claims,
    (SELECT count(*) FROM actor_aliases AS aa WHERE aa.source_id = s.source_id) AS name_variants,
    (SELECT count(*) FROM status_updates AS su WHERE su.source_id = s.source_id) AS status_updates,
    (SELECT string_agg(DISTINCT dc.discrepancy_id, '; ' ORDER BY dc.discrepancy_id)
       FROM discrepancy_claims AS dc JOIN claims AS cl USING (claim_id)
      WHERE cl.source_id = s.source_id) AS discrepancies,
    s.title
FROM sources AS s
ORDER BY s.published_on, s.source_id
