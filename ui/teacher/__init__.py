"""Teacher page: settings, hidden or locked controls and a lesson text turned into one link."""
