from __future__ import annotations

import pytest
from web3 import Web3

from hygeia.core.chain import connect
from hygeia.core.chain.connection import block_time, block_times
from hygeia.core.errors import ChainIdMismatchError, InvalidInputError, RPCUnavailableError
from tests.chains import Chain
from tests.support import free_port


def test_connect_raises_rpc_unavailable_when_nothing_listens() -> None:
    url = f"http://127.0.0.1:{free_port()}"
    with pytest.raises(RPCUnavailableError, match=url):
        connect(url, timeout=2)


def test_connect_raises_chain_id_mismatch_for_the_wrong_chain(suite_chain: Chain) -> None:
    with pytest.raises(ChainIdMismatchError, match="serves chain id 31337, expected 1"):
        connect(suite_chain.url, expected_chain_id=1)


def test_connect_accepts_the_expected_chain_id(suite_chain: Chain) -> None:
    assert connect(suite_chain.url, expected_chain_id=31337).eth.chain_id == 31337


@pytest.mark.parametrize("url", ["127.0.0.1:8545", "ws://127.0.0.1:8545", ""])
def test_connect_rejects_a_url_that_is_not_http(url: str) -> None:
    with pytest.raises(InvalidInputError):
        connect(url)


def test_block_times_answers_each_block_once_as_block_time_would(suite_chain: Chain) -> None:
    w3 = suite_chain.w3
    head = w3.eth.block_number
    wanted = [0, head, 0, head // 2, head]
    times = block_times(w3, wanted)
    assert set(times) == {0, head // 2, head}
    for number, when in times.items():
        assert when == block_time(w3, number)
    assert block_times(w3, []) == {}


def test_block_times_of_a_dead_node_is_rpc_unavailable() -> None:
    w3 = Web3(Web3.HTTPProvider(f"http://127.0.0.1:{free_port()}"))
    with pytest.raises(RPCUnavailableError):
        block_times(w3, [1, 2])
