"""Who stands where? An actor-by-topic matrix of the stances the paper attributes.

    python examples/stance_matrix.py
"""

import besa545

stances = besa545.load("stances")
actors = besa545.load("actors").set_index("actor_id")
topics = besa545.load("topics").set_index("topic_id")

symbol = {"support": "+", "oppose": "-", "mixed": "±"}
stances["mark"] = stances["polarity"].map(symbol).astype(str)
matrix = stances.pivot_table(index="holder_actor_id", columns="topic_id", values="mark",
                             aggfunc=lambda marks: "".join(sorted(set(marks))))
matrix.index = actors.loc[matrix.index, "name"]
numbers = {topic_id: f"T{number}" for number, topic_id in enumerate(matrix.columns, start=1)}
matrix = matrix.rename(columns=numbers).fillna("").sort_index()
print("+ support, - oppose, ± mixed; empty: no stance in the paper\n")
print(matrix.to_string())
print("\nTopics:")
for topic_id, number in numbers.items():
    print(f"  {number:>3} {topics.loc[topic_id, 'label']}")
