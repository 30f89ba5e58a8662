"""The EVM floor model (bench/floor.py) on hand-computed transactions."""

from __future__ import annotations

from bench.floor import (
    Log,
    StorageChanges,
    calldata_gas,
    created_code_sizes,
    log_gas,
    storage_changes,
    transaction_floor,
)

SLOT_A, SLOT_B, SLOT_C, SLOT_D = (f"0x{n:064x}" for n in range(1, 5))
ONE, TWO = f"0x{1:064x}", f"0x{2:064x}"
CONTRACT, OTHER = "0x" + "aa" * 20, "0x" + "bb" * 20


def test_calldata_costs_four_per_zero_byte_and_sixteen_per_other_byte() -> None:
    assert calldata_gas(b"") == 0
    assert calldata_gas(b"\x00\x00\x01\xff") == 4 + 4 + 16 + 16


def test_a_log_costs_375_plus_375_per_topic_plus_8_per_data_byte() -> None:
    assert log_gas(Log(topics=3, data_bytes=64)) == 375 + 3 * 375 + 8 * 64


def test_storage_changes_reads_new_updated_and_cleared_slots_from_a_diff_mode_trace() -> None:
    # Geth's and Anvil's diff mode: a zero slot is absent from "pre", a zeroed one from "post".
    diff = {
        "pre": {
            CONTRACT: {"balance": "0x0", "storage": {SLOT_B: ONE, SLOT_C: ONE}},
            OTHER: {"storage": {SLOT_A: ONE}},
            "0x" + "cc" * 20: {"balance": "0x10", "nonce": 3},
        },
        "post": {
            CONTRACT: {"storage": {SLOT_A: ONE, SLOT_B: TWO, SLOT_D: f"0x{0:064x}"}},
            OTHER: {},
            "0x" + "cc" * 20: {"balance": "0x5", "nonce": 4},
        },
    }
    assert storage_changes(diff) == StorageChanges(new=1, updated=1, cleared=2)


def test_a_slot_that_ends_where_it_started_is_no_change() -> None:
    same = {CONTRACT: {"storage": {SLOT_A: ONE}}}
    diff = {"pre": same, "post": same}
    assert storage_changes(diff) == StorageChanges()


def test_floor_of_a_call_adds_intrinsic_storage_and_log_costs() -> None:
    floor = transaction_floor(
        b"\x01" * 4 + b"\x00" * 32, StorageChanges(new=1, updated=1), [Log(3, 64), Log(1, 0)]
    )
    assert floor.intrinsic == 21_000 + 4 * 16 + 32 * 4
    assert floor.storage == 22_100 + 5_000
    assert floor.logs == (375 + 3 * 375 + 8 * 64) + (375 + 375)
    assert floor.creation == floor.refund == 0
    assert floor.total == floor.intrinsic + floor.storage + floor.logs
    assert (floor.calldata_bytes, floor.events) == (36, 2)


def test_clearing_a_slot_is_refunded_up_to_a_fifth_of_the_floor() -> None:
    one = transaction_floor(b"", StorageChanges(cleared=1), [])
    assert one.total == 21_000 + 5_000 - 4_800
    ten = transaction_floor(b"", StorageChanges(cleared=10), [])
    assert ten.refund == (21_000 + 50_000) // 5
    assert ten.total == 21_000 + 50_000 - ten.refund


def test_floor_of_a_creation_adds_the_create_cost_init_code_words_and_code_deposit() -> None:
    floor = transaction_floor(b"\x60" * 33, StorageChanges(new=2), [], deployed_code_bytes=10)
    assert floor.creation == 32_000 + 2 * 2 + 200 * 10
    assert floor.total == 21_000 + 33 * 16 + floor.creation + 2 * 22_100


def test_contracts_a_constructor_creates_add_their_create_cost_and_code_deposit() -> None:
    alone = transaction_floor(b"\x60" * 33, StorageChanges(), [], deployed_code_bytes=10)
    with_two = transaction_floor(
        b"\x60" * 33, StorageChanges(), [], deployed_code_bytes=10, inner_code_bytes=[3, 5]
    )
    assert with_two.creation == alone.creation + 2 * 32_000 + 200 * (3 + 5)


def test_created_contracts_are_the_accounts_that_gained_code() -> None:
    diff = {
        "pre": {OTHER: {"code": "0x6001"}, "0x" + "cc" * 20: {"balance": "0x1"}},
        "post": {
            CONTRACT.upper().replace("0X", "0x"): {"code": "0x" + "00" * 7, "nonce": 1},
            "0x" + "dd" * 20: {"code": "0x" + "11" * 3},
            OTHER: {"code": "0x6001", "storage": {SLOT_A: ONE}},
            "0x" + "cc" * 20: {"balance": "0x0"},
        },
    }
    assert created_code_sizes(diff) == {CONTRACT: 7, "0x" + "dd" * 20: 3}
