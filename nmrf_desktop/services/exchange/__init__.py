"""The exchange wing: signing keys, packs out to laptops, bundles back, the inbox and conflicts."""
