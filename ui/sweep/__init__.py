"""The Sweep page: a grid of settings × seeds trained as stored runs, followed live, its lesson shown as a curve."""
