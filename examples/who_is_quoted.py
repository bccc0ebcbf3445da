"""Who is quoted in the paper, and through what medium?

    python examples/who_is_quoted.py
"""

import pandas as pd

import besa545

pd.set_option("display.width", 200)
pd.set_option("display.max_columns", None)

quotes = besa545.load("quotations")
actors = besa545.load("actors").set_index("actor_id")

direct = quotes[quotes["quote_kind"] == "direct"].join(actors["name"], on="speaker_actor_id")
direct["speaker"] = direct["name"].fillna("(unnamed: " + direct["speaker_text"] + ")")

print("Direct quotations by speaker and medium:")
print(pd.crosstab(direct["speaker"], direct["medium"].cat.remove_unused_categories()))
print()
print(f"{len(quotes) - len(direct)} scare quotes:",
      ", ".join(f'"{text}"' for text in quotes.loc[quotes["quote_kind"] == "scare", "text"]))
