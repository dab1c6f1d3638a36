"""Placeholder router; filled in by the editor work (issue 4)."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
