"""Readers of real UN data: UPR Info CSV, UHRI Excel export, the product's own XLSX template."""
