"""What happened when? The dated events, as precisely as the paper dates them.

    python examples/what_happened_when.py
"""

import besa545

events = besa545.load("events")
dated = events.dropna(subset=["date_start", "date_end"], how="all")
dated = dated.sort_values(["date_start", "date_end"], na_position="first")


def when(row) -> str:
    start = "…" if row.date_start != row.date_start else f"{row.date_start:%Y-%m-%d}"
    end = "…" if row.date_end != row.date_end else f"{row.date_end:%Y-%m-%d}"
    return f"{start} to {end}"


for row in dated.itertuples():
    print(f"{when(row):26} {row.date_precision:8} {row.status:9} {row.label}")
undated = events["date_start"].isna() & events["date_end"].isna()
print(f"\n{undated.sum()} of {len(events)} events have no date in the text.")
print(events.loc[undated, "status"].value_counts().to_string())
