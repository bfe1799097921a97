"""The application layer: command lines, the embedded stack, status, demo traffic, sources.

The only package that composes parts: it builds the detector registry from ``classifiers``,
opens the archive through ``sinks`` and hands both to the ``pipeline`` core. Imports run one
way only: ``civicmod`` → {``classifiers``, ``sinks``} → ``pipeline`` (docs/architecture.md).
"""
