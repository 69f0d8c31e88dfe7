"""Conformance suite: the same scenarios against fakeipfs and a real kubo.

* :mod:`conformance.scenario` -- how a scenario is declared (name, targets, kubo versions, why)
  and the catalogue; :mod:`conformance.scenarios` -- the scenarios, one module per area;
* :mod:`conformance.client` -- the RPC client interface of the HTTP targets;
* :mod:`conformance.targets` -- ``inproc``, ``daemon``, ``live=<multiaddr>`` (``targets.rpc``)
  and ``kubo-lib``, real kubo 0.22 in a private network namespace (``targets.kubo_lib``);
* :mod:`conformance.runner` and :mod:`conformance.report` -- run the catalogue against one
  target, write the Markdown matrix (``fakeipfs conformance --target T --report FILE``).
"""
