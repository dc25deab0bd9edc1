"""Socket helpers shared by the servers and the clients."""
