"""Benchmarks and the multi-process cluster: run by hand, never as timed tests.

``python -m testkit.cluster`` serves several processes behind nginx;
``python -m bench.run`` drives a load against her2poll and the Node.js reference peer.
"""
