# Each target sets up its own virtual environment first, so both work on a fresh clone.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python

.PHONY: demo test bench clean

$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,client,kubo,grid]'
	touch $@

## The main job: OpenMined Grid's IPFS notebook (tensor, Keras model, JSON, pubsub) and a
## federated fit of XOR on a simulated 3-node network, all on the embedded in-memory emulator.
demo: $(VENV)/.installed
	$(PY) -m grid_shim.demo

## The whole test suite (includes the differential checks against the real kubo library
## when this machine can run it in a private network namespace).
test: $(VENV)/.installed
	$(PY) -m pytest -q -p no:cacheprovider

## Speed ratios against hashlib.sha256 (1 GiB input; SIZE_MIB=256 for a quick run).
SIZE_MIB ?= 1024
bench: $(VENV)/.installed
	$(PY) benchmarks/add.py --size-mib $(SIZE_MIB)

clean:
	rm -rf $(VENV) build *.egg-info
