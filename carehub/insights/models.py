"""The insights rollup, on PostgreSQL: `insights_person_reach` (no Django model: Django has no multirange field).

One row per (hub, person) ever reached there: `moments`, a tstzmultirange of the instants at which the person
was reached at the hub (a loan lent, a confirmed booking's session start, an advice appointment not cancelled).
"People reached" over any bucket is then `moments && tstzrange(start, end)` over ~140,000 rows instead of a
distinct count over millions of bookings. Exact, not approximate: the rows are recomputed from the events by
statement triggers on the event tables (migrations/0001), in the same transaction as any change, however made
(services, `QuerySet.update()`, COPY, admin, raw SQL). docs/insights.md, "How it stays fast".
"""
