"""Expected results of the 22 sample documents, computed without the calculation code (issue 3).

Each function below writes out, by hand, the arithmetic of one sample document
(seeds/activity/gbNN_*_example.json): the numbers are copied from the document and from the
library cells it relies on, and the formula is rewritten from the formula library's text as plain
Decimal arithmetic. Nothing here parses a formula, reads a library or calls the JavaScript, and
tests/support/reference_formulas.py is not used: this is a third, independent evaluation.
Percent values are written as pct(x) = x / 100, as the libraries' "%" cells are applied.

The results are rounded once, half away from zero, to 6 decimals (the calculator's rule), and
EXPECTED holds them as hard-coded strings; test_industries.py checks both that these functions
still give EXPECTED and that the calculation code gives EXPECTED.
"""

from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, localcontext

Num = Decimal | int | str


def D(x: Num) -> Decimal:
    return Decimal(str(x))


def pct(x: Num) -> Decimal:
    return D(x) / 100


C = D(44) / D(12)  # CO2/C

# Library values the samples rely on (no self-measured value given for them).
GRID = D("0.581")  # carbon_market_grid_avg, 环办气候函〔2022〕111号 (confirmed)
GAS = (D("389.31"), D("0.01532"), pct(99))  # 天然气 NCV, CC, OF (secondary)
DIESEL = (D("42.652"), D("0.0202"), pct(98))  # 柴油
FUEL_OIL = (D("41.816"), D("0.0211"), pct(98))  # 燃料油
CRUDE = (D("41.816"), D("0.02008"), pct(98))  # 原油
GASOLINE = (D("43.07"), D("0.0189"), pct(98))  # 汽油
GWP_CH4, GWP_N2O = D(21), D(310)  # IPCC SAR
CACO3, MGCO3, DOLOMITE, NA2CO3 = D("0.4397"), D("0.522"), D("0.4773"), D("0.4152")  # tCO2/t
BO = D("0.25")  # kgCH4/kgCOD, IPCC 2006


def with_defaults(fc: Num, row: tuple[Decimal, Decimal, Decimal]) -> Decimal:
    """FC × NCV × CC × OF × 44/12 with the library's defaults."""
    ncv, cc, of = row
    return D(fc) * ncv * cc * of * C


def measured(fc: Num, ncv: Num, cc: Num, of_percent: Num) -> Decimal:
    """FC × NCV × CC × OF × 44/12 with the enterprise's self-measured values."""
    return D(fc) * D(ncv) * D(cc) * pct(of_percent) * C


def hot_water(ma: Num, t: Num, ef: Num) -> Decimal:
    return D(ma) * (D(t) - 20) * D("4.1868") / 1000 * D(ef)


def steam(ma: Num, en: Num, ef: Num) -> Decimal:
    return D(ma) * (D(en) - D("83.74")) / 1000 * D(ef)


def anaerobic(w: Num, cod_in: Num, cod_out: Num, s: Num, mcf: Num, r: Num) -> Decimal:
    return (((D(w) * (D(cod_in) - D(cod_out)) - D(s)) * (BO * pct(mcf))) - D(r)) * GWP_CH4 / 1000


Items = dict[str, Decimal]


def gb03() -> Items:
    return {
        "E_fuel": measured(52000, "23.2", "0.02618", 95) + with_defaults(1850, GAS),
        "E_electricity": 186000 * GRID,
        "E_hot": 25000 * D("0.1082"),
        "E_process_1": 41000 * D("0.418"),
        "E_process_2": 1260 * D("3.62"),
        "E_process_3": 15000 * D("0.172"),
        "E_fixed_carbon": 980000 * D("0.0154"),
    }


def gb04() -> Items:
    # process_1: [Σ ADr×CCr − Σ ADp×CCp − Σ ADw×CCw] × 44/12 over two carbon-balance lines
    raw = 150000 * D("0.62") + 2000 * D("0.85")
    products = 120000 * D("0.375") + 0 * D(0)
    waste = 18000 * D("0.05") + 0 * D(0)
    return {
        "E_fuel": measured(86000, "22.5", "0.0265", 96) + with_defaults(120, DIESEL),
        "E_electricity": 240000 * GRID,
        "E_hot": 18000 * D("0.1105"),
        "E_process_1": (raw - products - waste) * C,
        "E_process_2": 3000 * CACO3 * pct(92),
        "E_process_3": 100000 * D("6.2") * (1 - pct(80) * pct(90)) / 1000 * GWP_N2O,
        "E_process_4": D(0),
        "E_co2_recovery": 2500 * pct("99.5") * D("19.7"),
    }


def gb05() -> Items:
    return {
        "E_fuel": with_defaults(960, GAS) + with_defaults(85, DIESEL),
        "E_electricity": 1620000 * GRID,
        "E_hot": D(0),
        "E_stuff": 120000 * (D("0.41") * (1 - pct("2.1") - pct("0.4")) * C),
        "E_process_1": (6500 * D("0.034") + 9200 * D("0.0034")) * 120000 / 1000,
        "E_process_2": 5000 * D("0.405"),
    }


def gb06() -> Items:
    return {
        "E_fuel": measured(48000, "24.5", "0.0274", 94),
        "E_electricity": 52000 * GRID,
        "E_hot": 6000 * D("0.1098"),
        "E_stuff": 3000 * D("3.02"),
        "E_process_1": 110000 * pct("98.5") * D("0.478"),
    }


def gb07() -> Items:
    return {
        "E_fuel": with_defaults(4200, GAS) + with_defaults(900, FUEL_OIL),
        "E_electricity": 61000 * GRID,
        "E_hot": D(0),
        "E_stuff_oxidize": pct(85) * 150 * C,
        "E_resolve": 40000 * NA2CO3 * pct(100) + 30000 * DOLOMITE * pct(98),
    }


def gb08() -> Items:
    clinker = D(1200000) + 1500 + 800
    return {
        "E_fuel": measured(168000, "21.8", "0.0262", 97),
        "E_electricity": 98000 * GRID,
        "E_hot": D(0),
        "E_abiotic_fuel": 2000 * D("31.4") * D("0.085") * pct(80),
        "E_resolve": clinker
        * ((pct("65.2") - pct("0.8")) * 44 / 56 + (pct("2.1") - pct("0.3")) * 44 / 40),
        "E_incineration": 1900000 * pct("0.15") * C,
    }


def gb09() -> Items:
    coal = D(8000) + 600 - 450 - 0  # Q1 + Q2 − Q3 − Q4
    raw = D(60000) + 3000 - 2500 - 500
    return {
        "E_fuel": coal * D("22.9") * (D("0.0261") * pct(93) * C) + with_defaults(300, GAS),
        "E_electricity": 15600 * GRID,
        # corrected formula: CaCO3 44/100 (the transcription's 44/108), MgCO3 44/84
        "E_process_1": raw * pct(95) * (pct("4.5") * 44 / 100 + pct("1.2") * 44 / 84),
    }


def gb10() -> Items:
    return {
        "E_fuel": measured(85000, "43.5", "0.0195", 99) + with_defaults(260, DIESEL),
        "E_electricity": 21000 * GRID,
        "E_hot": 9000 * D("0.112"),
        "E_biomass_fuel": measured(500, "43.2", "0.0194", 99) * (1 - pct(10)),
    }


def gb11() -> Items:
    # process_1: [Σ PM×CC − COK×CCcok − COG×CCcog − Σ BYp×CCp] × 44/12
    coal_in = 1060000 * D("0.72") + 50000 * D("0.7")
    by_products = 40000 * D("0.88") + 12000 * D("0.9")
    coking = coal_in - 800000 * D("0.83") - 32000 * D("2.2") - by_products
    # process_2: [Σ ADr×CCr − Σ ADp×CCp] × 44/12
    tar = (30000 * D("0.9") + 1500 * D("0.6")) - (26000 * D("0.92") + 0 * D(0))
    return {
        "E_fuel": measured(12000, "173.5", "0.0121", 99),
        "E_electricity": 75000 * GRID,
        "E_hot": hot_water(20000, 85, "0.11"),
        "E_steam": steam(50000, 2780, "0.11"),
        "E_co2_recovery": (300 * pct(98) + 50 * pct(95)) * D("19.7"),
        "E_process_1": coking * C,
        "E_process_2": tar * C,
    }


def gb12() -> Items:
    # torch: Qwshj × Σ(12 × CN × V × 10/22.4) × OF × 44/12, methane (CN 1) and ethane (CN 2)
    carbon = 12 * 1 * pct(35) * 10 / D("22.4") + 12 * 2 * pct("0.5") * 10 / D("22.4")
    return {
        "E_fuel": measured(20000, "21.5", "0.0262", 94),
        "E_electricity": 130000 * GRID,
        "E_hot": hot_water(15000, 75, "0.108"),
        "E_steam": D(0),
        "E_torch": 120 * carbon * pct(98) * C,
        "E_under_mining_escape_ch4": (D(2800) + 900 - 120 - 600) * D("7.17") * GWP_CH4,
        "E_under_mining_escape_co2": (D(400) + 50 - 0) * D("19.7"),
        "E_open_mining_escape_ch4": D(0),
        "E_after_mining_escape_ch4": 3000000 * D("1.2") / 1000 * GWP_CH4,
    }


def gb13() -> Items:
    zero = D(0)
    return {
        "E_fuel": with_defaults(5200, GAS) + with_defaults(3000, CRUDE),
        "E_electricity": 260000 * GRID,
        "E_hot": zero,
        "E_steam": zero,
        "E_torch": 80 * D("4.6") * pct(98) * C + D("1.2") * D("19.7"),
        "E_torch_accident": zero,
        "E_torch_ch4": 80 * pct(75) * (1 - pct(98)) * D("7.17") * GWP_CH4,
        "E_torch_accident_ch4": zero,
        "E_process_ch4_well_testing": 2000 * 72 * pct(85) * D("7.17") / 10000 * GWP_CH4,
        "E_mine_ch4_evacuation": zero,
        "E_fugitive_emission": 120 * D("0.0023") * GWP_CH4,
        "E_process_evacuation_ch4": zero,
        "E_process_co2_evacuation": (12000 * pct("3.5") - 11800 * pct("0.5")) * 44 / D("22.4") * 10,
        "E_fugitive_emission_ch4": zero,
        "E_transport_ch4_evacuation": zero,
        "E_oil_transport_fugitive_emission": zero,
        "E_gas_transport_fugitive_emission": zero,
        "E_co2_recovery": 150 * pct(99) * D("19.7"),
        "E_ch4_recovery": 300 * pct(95) * D("7.17") * GWP_CH4,
    }


def gb14() -> Items:
    zero = D(0)
    # process_10: [Σ ADr×CCr − (Σ Yp×CCp + Σ Qw×CCw)] × 44/12
    raw = 52000 * D("0.92") + 3000 * D("0.8")
    out = (50000 * D("0.92") + 0 * zero) + (100 * D("0.6") + 0 * zero)
    # process_11 (corrected): MC × (1 − CFq) × [CFq/(1 − CFq) − CFh/(1 − CFh)] × 44/12
    cfq, cfh = pct(6), pct("0.3")
    return {
        "E_fuel": measured(45000, "46.0", "0.0182", 99) + with_defaults(6000, FUEL_OIL),
        "E_electricity": 410000 * GRID,
        "E_hot": zero,
        "E_steam": steam(300000, 3100, "0.109"),
        "E_torch": zero,
        "E_torch_accident": zero,
        "E_process_1": 25000 * pct(93) * pct(98) * C,
        "E_process_2": 800 * pct(92) * pct(98) * C,
        "E_process_3": zero,
        "E_process_4": (60000 * D("0.75") - (5000 * D("0.2") + 200 * D("0.8"))) * C,
        "E_process_5": zero,
        "E_process_6": zero,
        "E_process_7": zero,
        "E_process_8": 30000 * 720 * (pct(8) + pct("0.5")) * D("19.7") / 10000,
        "E_process_9": zero,
        "E_process_10": (raw - out) * C,
        "E_co2_recovery": (100 * pct(99) + 20 * pct(98)) * D("19.7"),
        "E_process_11": 60 * (1 - cfq) * (cfq / (1 - cfq) - cfh / (1 - cfh)) * C,
        "E_process_12": zero,
    }


def gb15() -> Items:
    return {
        "E_fuel": measured(95000, "22.1", "0.0264", 95),
        "E_electricity": 150000 * GRID,
        "E_hot": 40000 * D("0.1065"),
        "E_process_1": 8000 * D("0.405"),
        "E_anaerobic": anaerobic(3500000, "2.8", "0.35", 180000, 80, 200000),
    }


def gb16() -> Items:
    return {
        "E_fuel": measured(12000, "28.4", "0.0295", 93) + with_defaults(680, GAS),
        "E_electricity": 340000 * GRID,
        "E_hot": D(0),
        "E_stuff": 25000 * D("3.02"),
        # ADcs × (0.349 × PURcs) + Σ ADtsy × EFtsy (limestone and soda ash)
        "E_process_1": 300 * (D("0.349") * pct(99)) + (5000 * CACO3 + 800 * NA2CO3),
    }


def gb17() -> Items:
    # (1 − h)(IB + P − IE − S)[(1 − U)(1 − a×d)GWP + Σ B(1 − a×d)GWP]
    c2f6 = (
        (1 - pct(10))
        * (D("0.12") + D("0.85") - D("0.1") - D("0.02"))
        * (
            (1 - pct(60)) * (1 - pct(90) * pct(95)) * 9200
            + D("0.1") * (1 - pct(90) * pct(95)) * 6500
        )
    )
    cf4 = (
        (1 - pct(10))
        * (D("0.05") + D("0.6") - D("0.04") - 0)
        * ((1 - pct(20)) * (1 - pct(85) * pct(90)) * 6500 + 0 * (1 - 0 * 0) * 0)
    )
    return {
        "E_fuel": with_defaults(150, GAS),
        "E_electricity": 420000 * GRID,
        "E_hot": D(0),
        "E_process_1": c2f6 + cf4,
    }


def gb18() -> Items:
    # [(IB + AC − IE − (MB − ME − Σ CH × EF)) × GWP], SF6 23900
    sf6 = D("0.5") + 4 - D("0.6") - (D("3.5") - D("0.2") - (D("3.2") * pct(1) + D("0.4") * pct(2)))
    co2 = pct(20) * (D(10) + 120 - 8 - 2) / (pct(20) * 44 + pct(80) * 40) * 44
    return {
        "E_fuel": with_defaults(420, DIESEL) + with_defaults(260, GAS),
        "E_electricity": 56000 * GRID,
        "E_hot": D(0),
        "E_process_1": sf6 * 23900,
        "E_process_2": co2,
    }


def gb19() -> Items:
    return {
        "E_fuel": with_defaults(3000, DIESEL),
        "E_electricity": 88000 * GRID,
        "E_hot": D(0),
        "E_steam": D(0),
        "E_process_1": 500000 * pct(95) * (CACO3 * pct(88) + MGCO3 * pct(4)),
        "E_process_2": 20000 * (CACO3 * pct(97)),
    }


def gb20() -> Items:
    return {
        "E_fuel": with_defaults(820, GAS),
        "E_electricity": 42000 * GRID,
        "E_hot": 30000 * D("0.1075"),
        "E_process_1": 500 * CACO3 * pct(95),
        "E_process_2": 2000 * D("0.999"),
        "E_anaerobic": anaerobic(900000, "3.2", "0.4", 60000, 80, 0),
    }


def gb21() -> Items:
    return {
        "E_fuel": with_defaults(46, GAS) + with_defaults(12, DIESEL),
        "E_electricity": 18500 * GRID,
        "E_hot": 52000 * D("0.1102"),
    }


def gb22() -> Items:
    diesel = D(120) + 5600 - 150 - 0  # IB + AC − IE − DI
    gasoline = D(30) + 800 - 25 - 5
    return {
        "E_fuel_1": with_defaults(diesel, DIESEL) + with_defaults(gasoline, GASOLINE),
        "E_fuel_2": 12000000 * (5 * GWP_CH4 + 30 * GWP_N2O) / 1000000000,
        "E_electricity": 3200 * GRID,
        "E_hot": D(0),
        "E_steam": D(0),
        "E_purification": 80000 * D(12) / 60 * pct("32.5") * C / 1000,
    }


def gb23() -> Items:
    return {
        "E_fuel": with_defaults(1200, GAS),
        "E_electricity": 210000 * GRID,
        "E_hot": D(0),
        "E_steam": D(0),
        "E_process_hcfc22": ((50000 * pct("1.8")) - 700 - (80 - 60)) * 11700,
        "E_hfc23_destroy": 690 * D(44) / 70,
        "E_process_escape": 30000 * pct("0.5") * 1300,
    }


def gb24() -> Items:
    return {
        "E_fuel": measured(30000, "22.8", "0.0263", 94),
        "E_electricity": 72000 * GRID,
        "E_hot": D(0),
        "E_steam": steam(40000, 2800, "0.11"),
        "E_process_1": 1200 * CACO3 * pct(94),
        "E_anaerobic": anaerobic(600000, "4.5", "0.5", 40000, 80, 0),
        "E_co2_recovery": (60 * pct(98) + 10 * pct(96)) * D("19.7"),
        "E_ch4_recovery": (50 * pct(60) + pct(90) * 20 * pct(60)) * D("7.17") * GWP_CH4,
        "E_ch4_destroy": pct(98) * 6000 * ((30 * pct(60)) / D("22.4") * 16 / 1000) * GWP_CH4,
    }


# The items each industry's summary formula subtracts (from the CSV's NN-00 rows).
SUBTRACTED: dict[str, tuple[str, ...]] = {
    "03": ("E_fixed_carbon",),
    "04": ("E_co2_recovery",),
    "11": ("E_co2_recovery",),
    "13": ("E_co2_recovery", "E_ch4_recovery"),
    "14": ("E_co2_recovery",),
    "19": ("E_process_2",),
    "24": ("E_co2_recovery", "E_ch4_recovery", "E_ch4_destroy"),
}

EVALUATIONS: dict[str, Callable[[], Items]] = {
    f"{n:02d}": globals()[f"gb{n:02d}"] for n in range(3, 25)
}


def six_places(x: Decimal) -> str:
    return f"{x.quantize(Decimal('0.000001'), rounding=ROUND_HALF_UP):f}"


def evaluate(code: str) -> dict[str, str | dict[str, str]]:
    """The sample's items and total, as the calculator would write them."""
    with localcontext() as ctx:
        ctx.prec = 60
        items = EVALUATIONS[code]()
        minus = SUBTRACTED.get(code, ())
        total = sum((v for k, v in items.items() if k not in minus), D(0)) - sum(
            (items[k] for k in minus), D(0)
        )
        return {
            "total": six_places(total),
            "items": {k: six_places(v) for k, v in items.items()},
        }


# ---------------------------------------------------------------- sum(…) over sub-records
# One record of a sample, alone, with its `items` list changed as named: the item's value written
# out by hand. Used to show that sum(…) adds one term per sub-record and nothing else.


def sum_04_first_line_only() -> Decimal:
    return (150000 * D("0.62") - 120000 * D("0.375") - 18000 * D("0.05")) * C


def sum_11_coking_with_a_third_line() -> Decimal:
    # the sample's two lines plus {PM 20000, CC 0.7, BYp 0, CCp 0}
    coal_in = 1060000 * D("0.72") + 50000 * D("0.7") + 20000 * D("0.7")
    by_products = 40000 * D("0.88") + 12000 * D("0.9") + 0 * D(0)
    return (coal_in - 800000 * D("0.83") - 32000 * D("2.2") - by_products) * C


def sum_11_tar_first_line_only() -> Decimal:
    return (30000 * D("0.9") - 26000 * D("0.92")) * C


def sum_12_torch_methane_only() -> Decimal:
    return 120 * (12 * 1 * pct(35) * 10 / D("22.4")) * pct(98) * C


def sum_14_first_line_only() -> Decimal:
    return (52000 * D("0.92") - (50000 * D("0.92") + 100 * D("0.6"))) * C


def sum_16_limestone_only() -> Decimal:
    return 300 * (D("0.349") * pct(99)) + 5000 * CACO3


def sum_17_with_a_second_by_product() -> Decimal:
    # the C2F6 record plus a by-product sub-record {Bfcp 0.02, a 90 %, d 95 %, GWPfcp 9200}
    abated = 1 - pct(90) * pct(95)
    head = (1 - pct(10)) * (D("0.12") + D("0.85") - D("0.1") - D("0.02"))
    return head * (
        (1 - pct(60)) * abated * 9200 + (D("0.1") * abated * 6500 + D("0.02") * abated * 9200)
    )


def sum_18_first_device_only() -> Decimal:
    return (D("0.5") + 4 - D("0.6") - (D("3.5") - D("0.2") - D("3.2") * pct(1))) * 23900


def sum_19_calcite_only() -> Decimal:
    return 500000 * pct(95) * (CACO3 * pct(88))


Change = str | dict[str, float]  # "first": keep items[0] only; a dict: append this sub-record

SUM_CASES: dict[str, tuple[str, int, str, Change, Callable[[], Decimal]]] = {
    # case: (industry, record index in the sample, item, change to items, hand evaluation)
    "04-04": ("04", 4, "E_process_1", "first", sum_04_first_line_only),
    "11-06": (
        "11",
        5,
        "E_process_1",
        {"PM": 20000, "CC": 0.7, "BYp": 0, "CCp": 0},
        sum_11_coking_with_a_third_line,
    ),
    "11-07": ("11", 6, "E_process_2", "first", sum_11_tar_first_line_only),
    "12-05": ("12", 3, "E_torch", "first", sum_12_torch_methane_only),
    "14-16": ("14", 8, "E_process_10", "first", sum_14_first_line_only),
    "16-05": ("16", 4, "E_process_1", "first", sum_16_limestone_only),
    "17-04": (
        "17",
        2,
        "E_process_1",
        {"Bfcp": 0.02, "a_fcp": 90, "d_fcp": 95, "GWPfcp": 9200},
        sum_17_with_a_second_by_product,
    ),
    "18-04": ("18", 3, "E_process_1", "first", sum_18_first_device_only),
    "19-05": ("19", 2, "E_process_1", "first", sum_19_calcite_only),
}


def evaluate_sum_case(case: str) -> str:
    with localcontext() as ctx:
        ctx.prec = 60
        return six_places(SUM_CASES[case][4]())
