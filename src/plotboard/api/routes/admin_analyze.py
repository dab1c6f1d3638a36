"""Placeholder router; being filled in (see the issue that owns it)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
