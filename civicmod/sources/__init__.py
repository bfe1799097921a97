"""Platform sources: capture the Town's pages' comments, carry decisions back (docs/sources.md)."""
