"""The fault simulation of node sync (``lintas sim sync``): processes, a proxy, a desk."""
