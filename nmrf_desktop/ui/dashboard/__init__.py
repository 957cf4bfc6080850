"""The dashboard wing of the window: the coordinator's dashboard across agencies."""
