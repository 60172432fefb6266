-- title: Actors' name variants
-- description: How is each actor written across the sources? One row per recorded spelling, with
--   the canonical name, the source and offsets where it appears, and whether the variant is part
--   of a recorded naming discrepancy.
-- param: actor VARCHAR = '' -- only actors whose id contains this text; empty for all
-- example: python cli.py query actor-names --param actor=seghrouchni
SELECT
    a.actor_id,
    a.name AS canonical_name,
    aa.alias,
    aa.alias = a.name AS is_canonical,
    s.outlet,
    aa.source_id,
    aa.quote_start,
    aa.quote_end,
    (SELECT string_agg(da.discrepancy_id, '; ' ORDER BY da.discrepancy_id)
       FROM discrepancy_aliases AS da
      WHERE da.actor_id = aa.actor_id AND da.alias = aa.alias AND da.source_id = aa.source_id) AS disputed_in
FROM actor_aliases AS aa
JOIN actors AS a USING (actor_id)
JOIN sources AS s ON s.source_id = aa.source_id
WHERE contains(a.actor_id, lower($actor))
ORDER BY a.actor_id, aa.alias, aa.source_id
