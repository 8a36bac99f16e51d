"""Sample data: the seed town's year, plausible townships drawn around it, and the demo county.

Not part of the product's layers: the demo command, the tests and the benchmarks use it.
``sample.lines`` makes lines of the interchange format from ``sample.plans`` (what a year
holds, as counts), ``sample.year`` (a year's lines from a plan) and ``sample.words``;
``sample.load`` loads the demo county into a ledger through the services.
"""
