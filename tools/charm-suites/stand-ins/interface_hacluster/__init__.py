"""Stand-in for the `interface-hacluster` library, which is not on the package index.

haproxy-operator's charm imports `interface_hacluster.ops_ha_interface.HAServiceRequires`
(installed from GitHub in its own CI, which is out of reach here). This stand-in, written
for the corpus and put on both sides' path alike, lets the charm import; tests that check
what the real library writes fail on both sides and so are not counted.
"""
