"""Microsoft Teams edge: Adaptive Card rendering and (elsewhere) the Agents SDK app."""

__all__: list[str] = []
