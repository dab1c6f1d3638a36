"""The vocabulary of token attributes that access rules refer to: an attribute's name, type,
whether it is required, and its description.

Access rules are checked against it (`plotboard.access.store`); `plotboard.auth.attribute_values`
validates a token's values against it and `plotboard.auth.attribute_store` stores it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

AttributeType = Literal["string", "number", "boolean", "string_list", "number_list"]
ATTRIBUTE_TYPES: tuple[str, ...] = get_args(AttributeType)


@dataclass(frozen=True)
class AttributeSpec:
    name: str
    type: AttributeType
    required: bool = False
    description: str = ""
