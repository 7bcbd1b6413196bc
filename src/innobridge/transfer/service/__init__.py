"""Transfer use cases: technology contracts and their registration workflow (contracts).

Every function is keyword-only and typed, takes the acting Principal and Pydantic input and returns
Pydantic output. Writers take the caller's UnitOfWork (it commits); readers take a plain Session.
"""

from innobridge.transfer import messages as _messages  # noqa: F401 - registers transfer's messages
from innobridge.transfer.service.contracts import (
    create_contract,
    get_contract,
    list_contracts,
    move_contract,
    party_organisations,
    update_contract,
)
from innobridge.transfer.service.workflow import WORKFLOW

__all__ = [
    "WORKFLOW",
    "create_contract",
    "get_contract",
    "list_contracts",
    "move_contract",
    "party_organisations",
    "update_contract",
]
