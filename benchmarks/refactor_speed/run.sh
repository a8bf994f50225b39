#!/bin/bash
# alternating before/after runs of benchmarks/pairwise_speed.py
for round in 1 2; do
  for side in old verify; do
    cd /work/wt-$side
    PYTHONPATH=/work/wt-$side /work/main/.venv/bin/python benchmarks/pairwise_speed.py > /work/speed/$side-$round.log 2>&1
    cp benchmarks/pairwise_speed.json /work/speed/$side-$round.json
  done
done
echo done > /work/speed/DONE
