"""Reading the documents the UN sends: UPR matrices, Working Group reports, treaty-body COs."""
