"""Quota allocation: the trend of the total, the average and benchmark rules, the split that sums
exactly, the proposal document and the chart. Amounts are micro-tonnes (1 t = 1,000,000)."""

import json
from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from offchain.actions import allocation
from offchain.actions.allocation import (
    AllocationError,
    ChainEnterprise,
    EnterpriseHistory,
    History,
    ProposalError,
    YearData,
)
from offchain.core.credit_code import with_check
from offchain.errors import DocumentError
from offchain.paths import SEEDS

T = 1_000_000  # micro-tonnes per tonne
EXAMPLE = SEEDS / "allocation" / "history_example.json"
E1, E2, E3 = (with_check(f"91110000ALC00000{n}") for n in (1, 2, 3))


@pytest.fixture(scope="module")
def example() -> History:
    return allocation.load_history(EXAMPLE.read_bytes(), EXAMPLE.name)


@pytest.fixture(scope="module")
def benchmarks():
    return allocation.load_benchmarks(allocation.BENCHMARKS.read_bytes(), "benchmarks.json")


def enterprise(code: str, emissions: dict[int, int], **fields) -> EnterpriseHistory:
    """An enterprise of industry 01 with emissions in whole tonnes by year, and outputs."""
    outputs = fields.pop("outputs", {})
    years = sorted(emissions.keys() | outputs.keys())
    data = tuple(
        YearData(
            y,
            emissions[y] * T if y in emissions else None,
            output=Decimal(outputs[y]) if y in outputs else None,
        )
        for y in years
    )
    return EnterpriseHistory(code, fields.pop("name", code), "01", "北京", years=data, **fields)


def seed_enterprise_1() -> EnterpriseHistory:
    """Seed 002's 控排企业1: 2000, 2100, …, 2900 t over ten years (here 2014–2023)."""
    return enterprise(E1, {2014 + i: 2000 + 100 * i for i in range(10)})


# -- the trend -------------------------------------------------------------------------------


def test_the_seed_enterprise_alone_trends_up_100_t_a_year_to_3000_t():
    line = allocation.trend(History((seed_enterprise_1(),)), before=2024)
    assert line.slope == 100 * T
    assert line.projection(2024) == 3000 * T


def test_the_total_of_a_year_sums_the_enterprises_and_their_energy_use(example):
    line = allocation.trend(example, before=2024)
    first = line.totals[0]
    # 2014: 2000 + 5200 + 3000 t; energy 1000 + 2600 + 1500 tce
    assert (first.year, first.emissions, first.energy, first.enterprises) == (
        2014,
        10200 * T,
        Decimal(5100),
        3,
    )


def test_the_example_total_grows_60_t_a_year_and_projects_10800_t_for_2024(example):
    # +100 (enterprise 1) − 80 (enterprise 2) + 40 (enterprise 3) t a year from 10200 t
    line = allocation.trend(example, before=2024)
    assert line.slope == 60 * T
    assert line.projection(2024) == 10800 * T


def test_a_single_year_trends_level():
    line = allocation.trend(History((enterprise(E1, {2020: 500}),)), before=2024)
    assert (line.slope, line.projection(2024)) == (0, 500 * T)


def test_the_projection_never_goes_below_zero():
    falling = enterprise(E1, {2020: 300, 2021: 200, 2022: 100})
    assert allocation.trend(History((falling,)), before=2030).projection(2030) == 0


def test_years_from_the_allocation_year_on_are_left_out_of_the_trend():
    later = enterprise(E1, {2022: 100, 2023: 200, 2024: 9000})
    assert [t.year for t in allocation.trend(History((later,)), before=2024).totals] == [
        2022,
        2023,
    ]


def test_no_emissions_before_the_year_cannot_be_trended():
    with pytest.raises(AllocationError, match="no verified emissions before 2024"):
        allocation.trend(History((enterprise(E1, {2024: 1}),)), before=2024)


# -- the average rule ------------------------------------------------------------------------


def test_the_seed_enterprise_alone_receives_the_whole_projected_total():
    proposal = allocation.propose_average(History((seed_enterprise_1(),)), 2024)
    assert [s.amount for s in proposal.shares] == [3000 * T]
    assert proposal.shares[0].basis.average == 2800 * T  # (2700 + 2800 + 2900) / 3


def test_the_example_splits_10800_t_by_the_averages_of_2021_to_2023(example):
    # averages 2800, 4560 and 3320 t (sum 10680); exact shares 2831.460674157…,
    # 4611.235955056… and 3357.303370786… t: the one micro-tonne left goes to the largest
    # remainder, enterprise 3's .786
    proposal = allocation.propose_average(example, 2024)
    assert proposal.total == 10800 * T
    assert [(s.credit_code, s.amount) for s in proposal.shares] == [
        (E1, 2_831_460_674),
        (E2, 4_611_235_955),
        (E3, 3_357_303_371),
    ]


def test_the_regulators_total_replaces_the_projection(example):
    proposal = allocation.propose_average(example, 2024, total=10680 * T)
    assert [s.amount for s in proposal.shares] == [2800 * T, 4560 * T, 3320 * T]


def test_the_window_sets_how_many_years_are_averaged(example):
    proposal = allocation.propose_average(example, 2024, total=1000 * T, window=1)
    assert [s.basis.years for s in proposal.shares] == [(2023,)] * 3
    assert [s.basis.average for s in proposal.shares] == [2900 * T, 4480 * T, 3360 * T]


def test_an_enterprise_without_emissions_in_the_window_receives_nothing():
    history = History(
        (enterprise(E1, {2021: 100, 2022: 100, 2023: 100}), enterprise(E2, {2015: 100}))
    )
    proposal = allocation.propose_average(history, 2024, total=50 * T)
    assert [s.amount for s in proposal.shares] == [50 * T, 0]


def test_an_enterprise_with_part_of_the_window_is_averaged_over_the_years_it_has():
    history = History((enterprise(E1, {2021: 100, 2023: 300}), enterprise(E2, {2023: 200})))
    proposal = allocation.propose_average(history, 2024, total=400 * T)
    assert [s.amount for s in proposal.shares] == [200 * T, 200 * T]


def test_no_emissions_in_the_window_is_refused():
    with pytest.raises(AllocationError, match="no enterprise has verified emissions in 2021–2023"):
        allocation.propose_average(History((enterprise(E1, {2015: 1}),)), 2024)


def test_a_window_of_no_years_is_refused(example):
    with pytest.raises(AllocationError, match="at least one year"):
        allocation.propose_average(example, 2024, window=0)


# -- the benchmark rule ----------------------------------------------------------------------


def test_the_example_pre_allocates_70_percent_of_benchmark_times_2023_output(example, benchmarks):
    proposal = allocation.propose_benchmark(example, 2024, benchmarks)
    # 0.7 × 0.877 t/MWh × 3250 MWh; 0.7 × 0.392 × 11000 (gas); 0.7 × 0.979 × 3600 (≤ 300 MW)
    assert [s.amount for s in proposal.shares] == [1_995_175_000, 3_018_400_000, 2_467_080_000]
    assert [s.basis.final for s in proposal.shares] == [None, None, None]
    assert proposal.total == 1_995_175_000 + 3_018_400_000 + 2_467_080_000


def test_the_true_up_brings_the_quota_to_benchmark_times_actual_output(example, benchmarks):
    first = allocation.propose_benchmark(example, 2023, benchmarks).shares[0]
    # pre 0.7 × 0.877 × 3100 = 1903.09 t; final 0.877 × 3250 = 2850.25 t
    assert (first.basis.pre_allocation, first.basis.final) == (1_903_090_000, 2_850_250_000)
    assert first.basis.true_up == 947_160_000
    assert first.amount == 2_850_250_000


def test_a_fall_in_output_gives_a_negative_true_up_and_a_quota_below_the_pre_allocation(
    benchmarks,
):
    falling = enterprise(E1, {}, outputs={2023: "1000", 2024: "500"})
    share = allocation.propose_benchmark(History((falling,)), 2024, benchmarks).shares[0]
    # pre 0.7 × 0.877 × 1000 = 613.9 t; final 0.877 × 500 = 438.5 t
    assert share.basis.true_up == -175_400_000
    assert share.amount == 438_500_000


def test_benchmark_times_output_is_rounded_down_to_the_micro_tonne(benchmarks):
    # 0.877 t/MWh × 1.000001 MWh = 0.877000877 t
    fractional = enterprise(E1, {}, outputs={2023: "1", 2024: "1.000001"})
    share = allocation.propose_benchmark(History((fractional,)), 2024, benchmarks).shares[0]
    assert share.basis.final == 877_000


def test_the_share_pre_allocated_is_the_regulators(example, benchmarks):
    proposal = allocation.propose_benchmark(example, 2024, benchmarks, share=Fraction(1, 2))
    assert proposal.shares[0].amount == 1_425_125_000  # 0.5 × 0.877 × 3250


def test_a_missing_earlier_output_is_refused_naming_the_enterprise(benchmarks):
    history = History((enterprise(E2, {2023: 100}),))
    with pytest.raises(AllocationError, match=f"{E2}: no output for 2023"):
        allocation.propose_benchmark(history, 2024, benchmarks)


def test_an_industry_without_a_default_benchmark_is_refused(benchmarks):
    grid = EnterpriseHistory(E1, "电网", "02", "北京", years=(YearData(2023, output=Decimal(1)),))
    with pytest.raises(AllocationError, match="industry 02 has no default benchmark"):
        allocation.propose_benchmark(History((grid,)), 2024, benchmarks)


def test_an_unknown_benchmark_is_refused(benchmarks):
    named = enterprise(E1, {}, outputs={2023: "1"}, benchmark="01-nuclear")
    with pytest.raises(AllocationError, match="no benchmark '01-nuclear'"):
        allocation.propose_benchmark(History((named,)), 2024, benchmarks)


def test_a_benchmark_of_another_industry_is_refused(benchmarks):
    named = enterprise(E1, {}, outputs={2023: "1"}, benchmark="08-clinker")
    with pytest.raises(AllocationError, match="is for industry 08"):
        allocation.propose_benchmark(History((named,)), 2024, benchmarks)


def test_every_benchmark_names_a_source_and_how_far_it_is_confirmed(benchmarks):
    power = [b for b in benchmarks.values() if b.industry == "01"]
    assert {b.tco2_per_unit for b in power} == {
        Decimal("0.877"),
        Decimal("0.979"),
        Decimal("1.146"),
        Decimal("0.392"),
    }
    assert all("2019-2020年全国碳排放权交易配额总量设定与分配实施方案" in b.source for b in power)
    others = [b for b in benchmarks.values() if b.industry != "01"]
    assert all(b.status == "illustrative" for b in others)


# -- the split -------------------------------------------------------------------------------


def test_a_split_gives_the_units_left_over_to_the_largest_remainders():
    assert allocation.split(10, [1, 1, 1]) == [4, 3, 3]  # a tie: the earlier weight first
    assert allocation.split(10, [1, 2, 3]) == [2, 3, 5]  # 1.67, 3.33, 5: .67 is the largest


def test_a_split_by_zero_weights_is_refused():
    with pytest.raises(AllocationError, match="every weight of the split is zero"):
        allocation.split(10, [0, 0])


weights = st.lists(
    st.one_of(
        st.integers(0, 10**12),
        st.fractions(min_value=0, max_value=10**6, max_denominator=10**6),
    ),
    min_size=1,
    max_size=30,
).filter(any)


@settings(max_examples=150, deadline=None)
@given(total=st.integers(0, 10**16), weights=weights)
def test_a_split_sums_exactly_to_the_total(total, weights):
    assert sum(allocation.split(total, weights)) == total


@settings(max_examples=150, deadline=None)
@given(total=st.integers(0, 10**16), weights=weights)
def test_every_share_of_a_split_is_at_least_zero(total, weights):
    assert min(allocation.split(total, weights)) >= 0


@settings(max_examples=150, deadline=None)
@given(total=st.integers(0, 10**16), weights=weights)
def test_every_share_is_within_one_micro_tonne_of_its_exact_proportion(total, weights):
    whole = sum(weights, Fraction(0))
    for share, weight in zip(allocation.split(total, weights), weights, strict=True):
        assert abs(share - Fraction(total) * weight / whole) < 1


# -- inputs: the history document and the chain ----------------------------------------------


def test_the_history_document_is_cited_by_its_digest(example):
    from offchain.core.documents import sha256_hex

    assert example.digest == sha256_hex(EXAMPLE.read_bytes())


def test_a_history_document_against_its_schema_is_refused_with_the_path():
    document = json.loads(EXAMPLE.read_text("utf-8"))
    document["enterprises"][0]["years"][0]["emissions"] = 2000  # a number, not a decimal string
    with pytest.raises(DocumentError, match="enterprises/0/years/0/emissions"):
        allocation.load_history(json.dumps(document).encode(), "history.json")


def test_a_year_given_twice_for_an_enterprise_is_refused():
    document = json.loads(EXAMPLE.read_text("utf-8"))
    years = document["enterprises"][1]["years"]
    years.append(dict(years[0]))
    with pytest.raises(DocumentError, match=f"year 2014 appears twice for {E2}"):
        allocation.load_history(json.dumps(document).encode(), "history.json")


def test_a_wrong_credit_code_in_the_history_is_refused():
    document = json.loads(EXAMPLE.read_text("utf-8"))
    document["enterprises"][0]["credit_code"] = E1[:-1] + ("0" if E1[-1] != "0" else "1")
    with pytest.raises(DocumentError, match="enterprises/0"):
        allocation.load_history(json.dumps(document).encode(), "history.json")


def closed(code: str, verified: dict[int, int]) -> ChainEnterprise:
    return ChainEnterprise(code, "链上名称", "01", "上海", {y: t * T for y, t in verified.items()})


def test_a_closed_year_on_chain_overrides_the_file(example):
    merged = allocation.merge_chain(example, [closed(E1, {2023: 3500})], listed=True)
    year = merged.enterprise(E1).year(2023)
    assert (year.emissions, year.emissions_source) == (3500 * T, "chain")
    assert merged.enterprise(E1).year(2022).emissions_source == "file"


def test_the_chain_profile_names_the_enterprise(example):
    merged = allocation.merge_chain(example, [closed(E1, {})], listed=True)
    assert (merged.enterprise(E1).name, merged.enterprise(E1).region) == ("链上名称", "上海")


def test_with_a_history_document_only_the_enterprises_it_lists_are_covered(example):
    other = with_check("91110000ALC000009")
    merged = allocation.merge_chain(example, [closed(other, {2023: 10})], listed=True)
    assert merged.enterprise(other) is None


def test_without_a_document_every_enterprise_with_a_closed_year_is_covered():
    other, idle = with_check("91110000ALC000009"), with_check("91110000ALC000008")
    merged = allocation.merge_chain(
        History(()), [closed(other, {2023: 10}), closed(idle, {})], listed=False
    )
    assert [e.credit_code for e in merged.enterprises] == [other]


# -- the proposal document -------------------------------------------------------------------


def test_a_proposal_document_reads_back_as_the_amounts_proposed(example):
    proposal = allocation.propose_average(example, 2024)
    data = json.dumps(allocation.proposal_document(proposal)).encode()
    read = allocation.load_proposal(data, "proposal.json")
    assert (read.year, read.rule) == (2024, "average")
    assert [(q.credit_code, q.amount) for q in read.quotas] == [
        (s.credit_code, s.amount) for s in proposal.shares
    ]


def test_a_proposal_naming_an_enterprise_twice_is_refused(example):
    document = allocation.proposal_document(allocation.propose_average(example, 2024))
    document["enterprises"].append(document["enterprises"][0])
    with pytest.raises(ProposalError, match=f"{E1} appear more than once"):
        allocation.load_proposal(json.dumps(document).encode(), "proposal.json")


def test_a_proposal_with_an_amount_of_more_than_six_decimals_is_refused(example):
    document = allocation.proposal_document(allocation.propose_average(example, 2024))
    document["enterprises"][0]["amount"] = "1.0000001"
    with pytest.raises(ProposalError, match="enterprises/0/amount"):
        allocation.load_proposal(json.dumps(document).encode(), "proposal.json")


# -- the chart -------------------------------------------------------------------------------


def test_the_chart_is_a_png_of_the_intended_size(example, tmp_path):
    path = tmp_path / "trend.png"
    allocation.render_chart(allocation.propose_average(example, 2024), path)
    with Image.open(path) as image:
        assert (image.format, image.size) == ("PNG", allocation.CHART_SIZE)
