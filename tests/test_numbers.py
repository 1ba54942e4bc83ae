import pytest

from newsflow.numbers import extract, singular
from newsflow.numwords import parse_words


def one(sentence):
    found = extract(sentence)
    assert len(found) == 1, found
    return found[0]


def test_seed_amounts():
    s = "He added that Beijing plans to buy 20 million tonnes of US soybeans, up from 12 million tonnes currently."
    a, b = extract(s)
    assert (a.text, a.kind, a.value, a.unit, a.qualifier, a.object) == (
        "20 million tonnes", "quantity", 20_000_000.0, "tonne", "=", "US soybeans")
    assert (b.value, b.unit, b.qualifier, b.object) == (12_000_000.0, "tonne", "up", "US soybeans")
    assert s[a.start : a.end] == a.text

    s = "the Trump administration announced a huge arms sale worth around $11 billion (£8.2 billion) to Taiwan"
    usd, gbp = extract(s)
    assert (usd.text, usd.value, usd.unit, usd.qualifier) == ("around $11 billion", 11e9, "USD", "~")
    assert (gbp.text, gbp.value, gbp.unit, gbp.qualifier) == ("£8.2 billion", 8.2e9, "GBP", "=")
    assert gbp.value > 0  # parentheses are not a minus sign in prose


@pytest.mark.parametrize(
    "sentence, value, unit",
    [
        ("It paid US$2.5bn for it.", 2.5e9, "USD"),
        ("A fee of C$ 4 billion was agreed.", 4e9, "CAD"),
        ("The HK$10 million flat sold.", 1e7, "HKD"),
        ("They raised €300m from investors.", 3e8, "EUR"),
        ("Tickets cost 50 pence more.", 0.5, "GBP"),
        ("The state paid Rs 2 crore in damages.", 2e7, "INR"),
        ("He was fined 3,000 yuan by the court.", 3000.0, "CNY"),
        ("The budget is 500 billion euros this year.", 5e11, "EUR"),
        ("It cost 21.3 trillion yen over time.", 21.3e12, "JPY"),
        ("A bond of NT$325.3 billion was sold.", 325.3e9, "TWD"),
        ("He earned 1.234.567,89 euros last year.", 1234567.89, "EUR"),
        # issue 10: a money rate is one unit ("CAD per hour"), as the real-news sets label it
        ("Wages rose to 45 Canadian dollars an hour.", 45.0, "CAD per hour"),
    ],
)
def test_money(sentence, value, unit):
    a = one(sentence)
    assert a.kind == "money"
    assert a.value == pytest.approx(value)
    assert a.unit == unit


def test_ranges():
    a = one("The deal is worth $5-6 billion in total.")
    assert (a.value, a.value_max, a.unit) == (5e9, 6e9, "USD")
    a = one("Inflation of between 8 and 10 per cent is expected.")
    assert (a.value, a.value_max, a.unit, a.qualifier) == (8.0, 10.0, "percent", "=")
    assert a.text == "between 8 and 10 per cent"
    a = one("Growth of between 8 and 10 per cent is expected.")
    assert (a.value_max, a.qualifier, a.text) == (10.0, "up", "Growth of between 8 and 10 per cent")
    a = one("Output of 3 to 4 million tonnes is likely.")
    assert (a.value, a.value_max) == (3e6, 4e6)


def test_change_then_level_is_not_a_range():
    down, level = extract("Prices fell $12 to $395 a tonne.")
    assert (down.value, down.qualifier, down.value_max) == (12.0, "down", None)
    assert (level.value, level.qualifier) == (395.0, "=")


@pytest.mark.parametrize(
    "sentence, qualifier",
    [
        ("It costs about $5 now.", "~"),
        ("It costs nearly $5 now.", "~"),
        ("It costs more than $5 now.", ">"),
        ("It costs over $5 now.", ">"),
        ("It costs less than $5 now.", "<"),
        ("It costs up to $5 now.", "<="),  # inclusive bounds, as every real labeller marks them
        ("It costs at least $5 now.", ">="),
        ("It costs as much as $5 now.", "<="),
        ("It costs no more than $5 now.", "<="),
        ("It costs a minimum of $5 now.", ">="),
        ("It took at least a week.", ">="),
        ("Inflation rose 3.2% in March.", "up"),
        ("Sales fell 4% in March.", "down"),
        ("Output is down from 12 million tonnes.", "down"),
    ],
)
def test_qualifiers(sentence, qualifier):
    assert one(sentence).qualifier == qualifier


@pytest.mark.parametrize(
    "sentence, kind, value, unit",
    [
        ("Rates rose 0.25 percentage points today.", "percent", 0.25, "percentage point"),
        ("Yields fell 5 basis points today.", "percent", 5.0, "basis point"),
        ("Pumping 9.5 million barrels per day now.", "quantity", 9.5e6, "barrel per day"),
        ("Output hit 500,000 bpd today.", "quantity", 5e5, "barrel per day"),
        ("It hit 41 °C on Monday.", "quantity", 41.0, "degree Celsius"),
        ("It hit 44C on Monday.", "quantity", 44.0, "degree Celsius"),
        ("Trains run at 300 km/h there.", "quantity", 300.0, "kilometre per hour"),
        ("Fire burned 3,500 hectares of forest.", "quantity", 3500.0, "hectare"),
        ("It covers 1,288 square kilometres in all.", "quantity", 1288.0, "square kilometre"),
        ("Twenty-five people died there.", "count", 25.0, "person"),
        ("The two leaders spoke today.", "count", 2.0, "leader"),
        ("Half a million people live there.", "count", 5e5, "person"),
        # fractions, Indian digit grouping, currencies by name and symbol, rates per unit, counted nouns
        ("Profits were cut by a third this year.", "percent", 33.3333, "percent"),  # real-news labels
        ("One in five adults smoke.", "percent", 20.0, "percent"),
        ("Three-quarters of voters agreed.", "percent", 75.0, "percent"),
        ("Rates fell by a quarter of a percentage point.", "percent", 0.25, "percentage point"),
        ("Maruti sold 1,81,343 units in October.", "count", 181343.0, "unit"),
        ("Norway's fund made 2.22 trillion crowns last year.", "money", 2.22e12, "NOK"),
        ("The SNB lost 62.5 billion Swiss francs.", "money", 62.5e9, "CHF"),
        ("Emirates made AED 17.2 billion in profit.", "money", 17.2e9, "AED"),
        ("Eskom needs R254 billion for repairs.", "money", 254e9, "ZAR"),
        ("Petrol fell to 142.9p a litre.", "money", 1.429, "GBP per litre"),  # issue 10: rates are one unit
        ("They hired 3,000 new seasonal workers.", "count", 3000.0, "worker"),
        ("Xiaomi sold 50,000 SU7 electric cars.", "count", 50000.0, "car"),
        ("Yields were 174.9 bushels per acre.", "quantity", 174.9, "bushel per acre"),
        ("A 720-km cable links them.", "quantity", 720.0, "kilometre"),
    ],
)
def test_amounts_get_their_kind_value_and_unit(sentence, kind, value, unit):
    a = one(sentence)
    assert (a.kind, a.value, a.unit) == (kind, pytest.approx(value), unit)


@pytest.mark.parametrize(
    "sentence",
    [
        "It happened in 2024 in the capital.",
        "The vote is on March 5 in the capital.",
        "The meeting starts at 10:30 in the capital.",
        "Call 555-1234 for details.",
        "Section 427 of the law applies.",
        "He flew Boeing 737 jets and F-16 fighters during COVID-19.",
        "Smith, 45, said he was tired.",
        "She wore the number 5 shirt.",
        # hyphenated modifiers describe a thing rather than count it
        "The 10-year Treasury yield rose.",
        "A 45-year-old man was charged.",
        "It marked the end of World War Two.",
        "Call 0800 555 111 now.",
        "He lives at 10 Downing Street now.",
    ],
)
def test_not_amounts(sentence):
    assert [a.text for a in extract(sentence) if a.kind != "ordinal"] == []


def test_negative_only_with_minus_sign():
    assert one("The index moved -5% today.").value == -5.0
    assert one("Temperatures fell to minus 3 degrees.").value == -3.0


def test_ordinals_and_words():
    a = one("It is the world's second-largest economy.")
    assert (a.kind, a.value) == ("ordinal", 2.0)
    assert parse_words("twenty-five") == 25
    assert parse_words("a dozen") == 12
    assert parse_words("one hundred and five") == 105


def test_offsets_are_shifted():
    a = one("It cost $5 there.")
    b = extract("It cost $5 there.", offset=100)[0]
    assert (b.start, b.end) == (a.start + 100, a.end + 100)


def test_singular():
    words = ["leaders", "countries", "people", "businesses", "cases", "taxes", "churches", "series", "tonnes"]
    assert [singular(w) for w in words] == [
        "leader", "country", "person", "business", "case", "tax", "church", "series", "tonne"]


def test_cents_follow_the_sentences_currency():
    _, cents = extract("Milk costs A$1.60, up 30 cents in two years.")[:2]
    assert (cents.value, cents.unit, cents.qualifier) == (0.3, "AUD", "up")


def test_unit_repeated_in_range():
    a = one("The range is 5.25%-5.50% now.")
    assert (a.value, a.value_max) == (5.25, 5.5)
    a = one("It will cut rates by 50 to 75 basis points.")
    assert (a.value, a.value_max, a.unit) == (50.0, 75.0, "basis point")


def test_bare_number_counts_what_its_neighbour_counts():
    found = extract("The economy added 55,000 jobs, well above forecasts of 20,000.")
    assert [(a.value, a.unit) for a in found] == [(55000.0, "job"), (20000.0, "job")]


# -- units from the registry (quantulum3's units.json, Babel's currencies) --------------------------

@pytest.mark.parametrize(
    "sentence, unit, dimension",
    [
        ("The chip runs at 3.2 GHz.", "gigahertz", "frequency"),
        ("The antenna works at 900 hertz.", "hertz", "frequency"),
        ("He ran 300 yards.", "yard", "length"),
        ("The engine makes 300 bhp.", "brake horsepower", "power"),
        ("The car has 500 horsepower.", "horsepower", "power"),
        ("Particles of 2.5 micrometres were found.", "micrometre", "length"),
        ("It hit 104 degrees Fahrenheit.", "degree Fahrenheit", "temperature"),
        ("The panel gives 400 watts.", "watt", "power"),
        ("A 5,000 mAh battery.", "milliampere-hour", "charge"),
        ("Steel rated to 80 ksi.", "kilopound per square inch", "pressure"),
        ("Ozone reached 70 ppb.", "part per billion", "ratio"),
        ("The engine idles at 800 rpm.", "revolution per minute", "frequency"),
        ("Greenland lost 270 gigatonnes of ice.", "gigatonne", "mass"),
        ("Wind farms of 2 GW opened.", "gigawatt", "power"),
        ("The plant made 3 TWh last year.", "terawatt-hour", "energy"),
        ("Workers got 20 millisieverts.", "millisievert", "radiation dose"),
        ("An earthquake with a magnitude of 5.4 struck.", "magnitude", "seismic magnitude"),
    ],
)
def test_registry_units(sentence, unit, dimension):
    a = one(sentence)
    assert (a.kind, a.unit, a.dimension) == ("quantity", unit, dimension)


@pytest.mark.parametrize(
    "sentence, value, unit",
    [
        ("A bowl of ramen costs 900 yen.", 900.0, "JPY"),
        ("Fuel subsidies rose by 20 sen.", 0.2, "MYR"),
        ("Stamps cost 50 cents more.", 0.5, "USD"),
        ("The fine was 2,000 baht.", 2000.0, "THB"),
        ("Wages hit 4,000 ringgit.", 4000.0, "MYR"),
        ("Danish exports earned 3 billion crowns in Denmark.", 3e9, "DKK"),
        ("It was sold for ₱50,000.", 50000.0, "PHP"),
        ("The rebate is 500 Swedish kronor.", 500.0, "SEK"),
        ("A dime is worth 10 cents.", 0.1, "USD"),
    ],
)
def test_currencies_from_babel(sentence, value, unit):
    a = [x for x in extract(sentence) if x.kind == "money"][-1]
    assert (a.value, a.unit, a.dimension) == (pytest.approx(value), unit, "currency")


@pytest.mark.parametrize(
    "sentence, unit, dimension",
    [
        ("He scored 25 points per game.", "point per game", None),
        ("Yields were 4 tonnes per hectare.", "tonne per hectare", "mass/area"),
        ("Levels hit 907 micrograms per cubic metre.", "microgram per cubic metre", "mass/volume"),
        ("Output of 3 tonnes/day is planned.", "tonne per day", "mass/time"),
        ("The clinic saw 40 patients per week.", "patient per week", "count/time"),
    ],
)
def test_per_rates_are_one_unit(sentence, unit, dimension):
    a = one(sentence)
    assert (a.unit, a.dimension) == (unit, dimension)


def test_money_and_article_rates_follow_the_conventions_file():
    """Money rates fold into one unit ("USD per barrel", issue 10), "a"/"an" rates only for the
    kinds unit_conventions.json lists (money and measures: every real label of "16 million
    tonnes a year" is a rate); a comparison ("a year earlier") is never a rate."""
    from newsflow import units

    assert units.MONEY_RATES
    assert {"money", "quantity"} == units.ARTICLE_RATES
    a = one("Brent rose to $82 per barrel.")
    assert (a.value, a.unit, a.dimension) == (82.0, "USD per barrel", "currency/volume")
    assert one("Output is 16 million tonnes a year.").unit == "tonne per year"
    assert one("Output was 16 million tonnes a year earlier.").unit == "tonne"
    assert one("Profit was $5bn a year earlier.").unit == "USD"  # a comparison, never a rate


@pytest.mark.parametrize(
    "sentence, value, unit",
    [
        ("World oil prices hit nearly $64 a barrel.", 64.0, "USD per barrel"),
        ("Gasoline averaged $3.53 per gallon (gal), or $1.24/gal lower.", 3.53, "USD per gallon"),
        ("Cocoa hit £3,500 a tonne after heavy rain.", 3500.0, "GBP per tonne"),  # "after" a unit: a rate
        ("Shoprite paid 199 cents a share as profit climbed.", 1.99, "USD per share"),
        ("Bills rise by £94 a year to £1,928.", 94.0, "GBP per year"),
        ("The rupee hit 83.32 rupees per dollar.", 83.32, "INR per USD"),
        ("Salaries of ₹1,600 a month now reach 62 lakh people.", 1600.0, "INR per month"),
    ],
)
def test_money_rates_are_one_unit(sentence, value, unit):
    a = next(x for x in extract(sentence) if x.kind == "money")
    assert (a.value, a.unit) == (pytest.approx(value), unit)


@pytest.mark.parametrize("sentence", [
    "Profit was $5bn a year earlier.", "It was Rs 13,656 crore a year ago.", "Prices were ₹30 a fortnight ago.",
    "He paid $5 a share of the company.",  # "a share of" goes on: not a rate
])
def test_money_comparisons_and_phrases_are_not_rates(sentence):
    assert " per " not in extract(sentence)[0].unit


def test_money_unit_check_accepts_rates():
    """validate.py's row check: an ISO code alone or as a rate's numerator, nothing else."""
    from newsflow.validate import is_money_unit

    assert is_money_unit("USD") and is_money_unit("USD per barrel") and is_money_unit("INR per USD")
    assert not any(is_money_unit(u) for u in ("XYZ", "XYZ per barrel", "USD per ", "dollar", None))


def test_dimension_on_every_kind():
    money, pct, count, years = extract("It paid $5 to 3 per cent of 40 workers over 2 years.")
    assert [a.dimension for a in (money, pct, count, years)] == ["currency", "ratio", None, "time"]


def test_words_that_look_like_units_are_not():
    """Registry forms that are English words or news abbreviations stay out."""
    for sentence in ("He won 2 sets and 3 pairs of shoes.", "Two in ten said no.",
                     "About 5 MPs and 3 TV channels.", "It rose 5 pts today."):
        assert all(a.kind != "quantity" for a in extract(sentence)), sentence


def test_mixed_and_vulgar_fractions():
    assert one("It is two and a half miles away.").value == 2.5
    assert one("A 2½-mile walk.").value == 2.5
    assert one("Snow of 2 1/2 inches fell.").value == 2.5


def test_trie_pattern_and_surface_forms():
    import re

    from newsflow.units import surface_forms, trie_pattern

    rx = re.compile(f"(?:{trie_pattern(['km', 'km/h', 'kilometre', 'kilo'])})$")
    assert all(rx.match(w) for w in ("km", "km/h", "kilometre", "kilo")) and not rx.match("kil")
    assert {"degrees celsius", "barrels per day", "square kilometres"} <= (
        surface_forms("degree celsius") | surface_forms("barrel per day") | surface_forms("square kilometre"))


# -- issue 10: causes found on real news (real-dev set), fixed in general ------------------------


@pytest.mark.parametrize(
    "sentence, value, unit",
    [
        # VOA Special English spells numbers out, hyphens and all
        ("Inflation rose at a rate of four-point-four percent.", 4.4, "percent"),
        ("So the index value is one-hundred-and-ten.", 110.0, None),
        ("There were two-million-one-hundred-sixty-thousand farms.", 2160000.0, "farm"),
        ("Growth was about one and one-half percent.", 1.5, "percent"),
        ("That is down seven-tenths of one percent.", 0.7, "percent"),
        # counted nouns behind modifiers, hyphens and elisions
        ("Two Somali National Army airstrikes kill 39 alleged al-Shabaab militants.", 2.0, "airstrike"),
        ("Floods hit nine major grain-producing states.", 9.0, "state"),
        ("Four policemen were killed.", 4.0, "policeman"),
        ("He gets 19 more weeks in jail.", 19.0, "week"),
        ("Six people died and 290 others are injured.", 290.0, "person"),
        ("It left one person dead and 700 injured.", 700.0, "person"),
        ("The crash killed him and three of his family members.", 3.0, "family member"),
        ("A 193-vehicle pileup closed the road.", 193.0, "vehicle"),
        ("It was the warmest 12-month period on record.", 12.0, "month"),
        ("Ohtani signed a 10-year, $700 million contract.", 10.0, "year"),
        ("The number of job vacancies dropped by 45,000.", 45000.0, "vacancy"),
        ("Measles cases in Europe jumped to more than 42,000.", 42000.0, "case"),
        ("Total nonfarm employment rose by 252,000 in September.", 252000.0, "job"),
        ("Shelling killed 15 civilians and wounded around 60.", 60.0, "person"),
        ("The FTSE 100 rose 45 points to 7,500.", 45.0, "point"),  # a refused label reads no further
        # units and ranges
        ("A magnitude Mw 7.1 earthquake struck.", 7.1, "magnitude"),
        ("The Fed set a 1.0-to-1.25 percent range.", 1.0, "percent"),
        ("It needs an 8- to 16-meter telescope.", 8.0, "metre"),
        ("Exports reached 5.2 million short tons.", 5.2e6, "short ton"),
        ("Sales grew three times as fast.", 3.0, "times"),
        ("He was jailed for up to a month.", 1.0, "month"),
    ],
)
def test_real_news_forms(sentence, value, unit):
    a = [x for x in extract(sentence) if x.kind != "ordinal"]
    hit = next((x for x in a if x.value == pytest.approx(value)), None)
    assert hit is not None and hit.unit == unit, [(x.text, x.value, x.unit) for x in a]


@pytest.mark.parametrize(
    "sentence",
    [
        "Toyota became the largest automaker in two thousand eight.",  # a year, spelled out
        "The index began in nineteen-ninety.",
        "The quake struck at 16:53 local time (2353 UTC).",
        "It happened around five o'clock.",
        "Prices were higher than they were one year ago.",  # when, not how long
        "Kosovo police entered a day after the attack.",  # "a day" unhedged is not a duration
        "It was a one-time payment.",  # "one-" compounds describe
    ],
)
def test_real_news_non_amounts(sentence):
    assert [a.text for a in extract(sentence) if a.kind != "ordinal"] == []


def test_ordinals_in_dates_and_ranks():
    assert extract("Congress got the bill on June seventh.") == []
    assert extract("On January twenty-sixth, sales stopped.") == []
    assert [(a.text, a.kind, a.value) for a in extract("Its tenth-driest June on record.")] == [
        ("tenth", "ordinal", 10.0)]
    a = one("Preparation for a sixth nuclear test is underway.")
    assert (a.kind, a.value) == ("ordinal", 6.0)  # "a sixth" before a noun ranks it
    assert one("Profits were cut by a third this year.").value == pytest.approx(33.3333)


# -- real-news conventions (issue: value+unit on real text) ------------------------------------------

@pytest.mark.parametrize(
    "sentence, unit",
    [
        ("Ottawa will spend $12 million on the new ferry terminal.", "CAD"),
        ("The Queensland government set aside $3.4 billion for dams.", "AUD"),
        ("Auckland council approved $80 million for buses.", "NZD"),
        ("Canadian farmers received $2 billion in aid.", "CAD"),
        ("Canada and the United States agreed on a $5 billion fund.", "USD"),  # names the US too
        ("North American sales in Canada rose to $9 million.", "CAD"),  # "North American" is not the US
        ("The company raised $40 million from investors.", "USD"),
        ("Alberta will receive 30 million dollars for roads.", "CAD"),
        ("Oil in Alberta sold for C$70 and US$52.", "CAD"),  # CAD per barrel: an oil price
    ],
)
def test_bare_dollar_takes_the_dollar_country_the_sentence_names(sentence, unit):
    assert extract(sentence)[0].unit.split(" per ")[0] == unit  # the currency ("C$70" of oil is also per barrel)


def test_article_dollar_default():
    """An article naming one non-US dollar country at least twice, and never the US, lends its
    dollar to sentences without a cue; rates change their prefix too."""
    from newsflow import numbers
    from newsflow.money import article_dollar

    text = ("Manitoba announced a housing plan on Monday. The plan costs $40 million. "
            "Officials in Winnipeg said fuel would cost $1.50 per litre.")
    cur = article_dollar(text)
    assert cur == "CAD"
    units = [a.unit for a in numbers.extract("Fuel would cost $1.50 per litre.", dollar=cur)]
    assert units == ["CAD per litre"]
    american = article_dollar(text + " Washington objected.")  # names the US: USD everywhere
    assert [a.unit for a in numbers.extract("Manitoba will pay $3 million.", dollar=american)] == ["USD"]
    assert article_dollar("Manitoba has lakes. It cost $4.") == "USD"  # named once only
    assert [a.unit for a in numbers.extract("The U.S. paid $4.", dollar=cur)] == ["USD"]


@pytest.mark.parametrize(
    "sentence, texts_units",
    [
        ("LOCATED ABOUT 215 MI...345 KM NE OF BERMUDA",
         [("ABOUT 215 MI", "mile"), ("345 KM", "kilometre")]),
        ("WINDS...85 MPH...140 KM/H", [("85 MPH", "mile per hour"), ("140 KM/H", "kilometre per hour")]),
        ("PRESSURE...985 MB...29.09 INCHES", [("985 MB", "millibar"), ("29.09 INCHES", "inch of mercury")]),
        ("The update is a 500 MB download.", [("500 MB", "megabyte")]),  # not a capitals text
    ],
)
def test_all_caps_advisories_read_their_units(sentence, texts_units):
    assert [(a.text, a.unit) for a in extract(sentence)] == texts_units


@pytest.mark.parametrize(
    "sentence, value, unit",
    [
        ("More than half of the town voted.", 50.0, "percent"),
        ("Nearly two thirds of the wells ran dry.", 66.6667, "percent"),
        ("He kept one-fourth of the harvest.", 25.0, "percent"),
        ("The bank cut its rate to 3-1/2 percent.", 3.5, "percent"),
        ("One in four children were tested.", 25.0, "percent"),  # a share, as every real labeller reads it
        ("Nine in every ten children were vaccinated.", 90.0, "percent"),
        ("Three out of four people agreed.", 75.0, "percent"),
    ],
)
def test_fractions_are_percentages(sentence, value, unit):
    a = extract(sentence)[0]
    assert (a.value, a.unit) == (pytest.approx(value), unit)


@pytest.mark.parametrize(
    "sentence, text, value, unit",
    [
        ("Spot prices fell to -$12.10 per barrel.", "-$12.10 per barrel", -12.10, "USD per barrel"),
        ("Crude settled at $61.20/b on Friday.", "$61.20/b", 61.20, "USD per barrel"),
        ("Gas cost $4.10 per million British thermal units.", "$4.10 per million British thermal units", 4.10,
         "USD per MMBtu"),
        ("Spot gas ranged from $3.10/MMBtu to $5.75/MMBtu.", "from $3.10/MMBtu to $5.75/MMBtu", 3.10,
         "USD per MMBtu"),
        ("The clinic is open 12 hours a day.", "12 hours a day", 12.0, "hour per day"),
        ("The mill recalled 8,200 pounds (3.7 tonnes) of flour.", "8,200 pounds", 8200.0, "pound"),
        ("The crane lifts 40 tonnes (88,000 pounds) at once.", "88,000 pounds", 88000.0, "pound"),
        ("She paid 400 pounds in fees.", "400 pounds", 400.0, "GBP"),
    ],
)
def test_real_news_rates_and_weights(sentence, text, value, unit):
    a = next(a for a in extract(sentence) if a.text == text)
    assert (a.value, a.unit) == (pytest.approx(value), unit)


@pytest.mark.parametrize(
    "sentence, text, value",
    [
        ("The river is twice as wide as the canal.", "twice", 2.0),
        ("A three-time champion, she won again.", "three-time", 3.0),
        ("Demand is three times as high as supply.", "three times", 3.0),
    ],
)
def test_multipliers_are_cardinals_in_times(sentence, text, value):
    a = next(a for a in extract(sentence) if a.text == text)
    assert (a.kind, a.value, a.unit) == ("cardinal", value, "times")
    assert not [a for a in extract("It was a one-time payment.") if a.unit == "times"]


@pytest.mark.parametrize(
    "sentence",
    [
        "The Toronto Blue Jays signed the pitcher to a $50 million deal.",
        "Ottawa-based Shopify reported $2.1 billion in revenue.",
        "Sydney Sweeney's new film grossed $50 million in its first weekend.",
        "A new plant in Melbourne, Fla., will cost $30 million.",
        "Calgary Flames forward signs a $12 million extension.",
    ],
)
def test_a_place_name_inside_a_team_company_person_or_us_town_keeps_the_dollar_american(sentence):
    """Dollar-country cues count only as places: a capitalised word after the cue (a team, a
    company, a person) or a US state's abbreviation makes it something else."""
    assert [a.unit for a in extract(sentence) if a.kind == "money"] == ["USD"]


def test_in_an_american_article_a_bare_dollar_stays_usd_whatever_a_sentence_names():
    from newsflow.money import article_dollar

    article = ("The U.S. will raise tariffs next month. The tariffs on Canada cover $400 billion of goods, "
               "and Ottawa said it would answer with $30 billion of its own.")
    dollar = article_dollar(article)
    sentence = "The tariffs on Canada cover $400 billion of goods."
    assert [a.unit for a in extract(sentence, dollar=dollar)] == ["USD"]
    assert [a.unit for a in extract(sentence)] == ["CAD"]  # alone, the sentence names only Canada


@pytest.mark.parametrize(
    "sentence, expected",
    [
        # periods are durations, as the real-news labellers count them ("the last four quarters":
        # real-dev12, real-dev18), not shares
        ("Profits rose for two quarters in a row.", [("two quarters", 2.0)]),
        ("Sales fell 3% from a quarter earlier.", [("fell 3%", 3.0)]),
        ("Growth slowed over the past three quarters.", [("three quarters", 3.0)]),
        ("Three quarters of voters agreed.", [("Three quarters", 75.0)]),
        ("Exports fell by a quarter.", [("fell by a quarter", 25.0)]),
    ],
)
def test_quarters_are_shares_only_of_something(sentence, expected):
    """"a quarter" is a share before "of" or after "by", "about"...; otherwise business news
    means three months: "a quarter earlier" is when, "two quarters" how long."""
    assert [(a.text, a.value) for a in extract(sentence)] == expected


# ---------------------------------------------------------------- amounts read beside each other


def _found(sentence):
    return [(a.text, a.value, a.value_max, a.unit, a.qualifier) for a in extract(sentence)]


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("The ridge stands roughly 900 feet (270 metres) above the valley.",
         [("roughly 900 feet", 900.0, None, "foot", "~"), ("270 metres", 270.0, None, "metre", "~")]),
        ("Floodwater spread more than 12 miles (19 km) inland.",
         [("more than 12 miles", 12.0, None, "mile", ">"), ("19 km", 19.0, None, "kilometre", ">")]),
        ("The coast is eroding by 4 inches (10 cm) per year.",
         [("4 inches", 4.0, None, "inch per year", "="), ("10 cm", 10.0, None, "centimetre per year", "=")]),
    ])
def test_a_bracketed_conversion_shares_the_hedge_and_the_rate(sentence, expected):
    assert _found(sentence) == expected


def test_a_bracket_that_is_not_a_conversion_keeps_its_own_reading():
    # another dimension in the brackets: not the same amount again, but the same change restated
    (_, a), (_, b) = [(x.text, x) for x in extract("Sales rose by $4 billion (12%) last year.")]
    assert (a.unit, a.qualifier, b.unit, b.qualifier) == ("USD", "up", "percent", "up")


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("The pier reaches 2,400 feet (730 m) into the bay.", ("730 m", 730.0, "metre")),
        ("The waves were 3–4 m (10–13 ft) high.", ("3–4 m", 3.0, "metre")),
        ("The snow lay 30-40cm (12-16in) deep.", ("12-16in", 12.0, "inch")),
    ])
def test_one_letter_symbols_are_units_inside_a_conversion(sentence, expected):
    assert expected in [(a.text, a.value, a.unit) for a in extract(sentence)]


@pytest.mark.parametrize("sentence", ["The firm raised 5 m from investors.", "He was in 3 in a row."])
def test_one_letter_symbols_stay_unread_outside_a_conversion(sentence):
    assert all(a.unit not in ("metre", "inch") for a in extract(sentence))


@pytest.mark.parametrize(
    "sentence, text, unit",
    [
        ("Wheat yields averaged 48.1 bushels per acre, up 1.2 bushels from last season.", "up 1.2 bushels",
         "bushel per acre"),
        ("Diesel fell 3.1 cents to 389.5 cents per gallon this week.", "fell 3.1 cents", "USD per gallon"),
    ])
def test_a_change_of_a_rated_level_is_in_the_levels_unit(sentence, text, unit):
    assert (text, unit) in [(a.text, a.unit) for a in extract(sentence)]


@pytest.mark.parametrize(
    "sentence, text, unit",
    [
        # bigger than the level: a total, not a change of the price per share
        ("The bank earned $5 billion, or $1.20 per share.", "$5 billion", "USD"),
        # a unit whose name holds "per" is not a rate to share: a 40-mile path is not per hour
        ("Winds of 120 mph cut a 40-mile path through the county.", "40-mile", "mile"),
    ])
def test_a_rate_is_not_shared_with_other_amounts(sentence, text, unit):
    assert (text, unit) in [(a.text, a.unit) for a in extract(sentence)]


@pytest.mark.parametrize(
    "sentence, text, unit",
    [
        ("Methane rose about 9 ppb per year over the decade.", "about 9 ppb per year", "part per billion per year"),
        ("The probe moved at 17 km/s past the planet.", "17 km/s", "kilometre per second"),
        ("Gusts reached 90-kilometre-per-hour speeds on the ridge.", "90-kilometre-per-hour", "kilometre per hour"),
        ("Winds of 45 mile-per-hour were recorded.", "45 mile-per-hour", "mile per hour"),
        ("The firm leased a 52,000 square-foot warehouse.", "52,000 square-foot", "square foot"),
        ("Crews combed 80 square nautical miles of sea.", "80 square nautical miles", "square nautical mile"),
        ("He ran for 1,200 rushing yards that season.", "1,200 rushing yards", "yard"),
        ("The agency leases 12 million rentable square feet.", "12 million rentable square feet", "square foot"),
        ("Exports grew 12-fold in a decade.", "grew 12-fold", "times"),
    ])
def test_technical_units_and_rates(sentence, text, unit):
    assert (text, unit) in [(a.text, a.unit) for a in extract(sentence)]


def test_a_rate_unit_takes_a_second_rate_only_over_time():
    # "mph per second" would change over time; "mph per lane" is no unit
    assert [(a.text, a.unit) for a in extract("Traffic moved at 30 mph per lane.")] == [("30 mph", "mile per hour")]


def test_an_adjective_before_a_plain_noun_still_counts_the_noun():
    a = one("They hired 40 additional nurses.")
    assert (a.kind, a.unit) == ("count", "nurse")


@pytest.mark.parametrize(
    "sentence, unit",
    [
        ("The batsman scored 212 runs over 9 innings.", "innings"),
        ("Grants went to 40 U.S. cities this spring.", "city"),
    ])
def test_counted_nouns_innings_and_dotted_modifiers(sentence, unit):
    assert unit in [a.unit for a in extract(sentence)]


@pytest.mark.parametrize(
    "sentence, not_values",
    [
        ("Damage reached $4 billion (2012 USD) across the region.", {2012.0}),
        ("Wages averaged $9.40 an hour (in 1999 dollars) that year.", {1999.0}),
        ("Astronomers revisited the pulsar PSR J1719+14 this year.", {14.0}),
        ("The ruling cites Article 12(4) of the convention.", {4.0}),
        ("The railway ran 2-6-2 tank engines on the branch.", {2.0, 6.0}),
        ("Each of the three winners got one each of the prizes.", set()),
    ])
def test_names_codes_and_base_years_are_not_amounts(sentence, not_values):
    found = extract(sentence)
    assert not [a for a in found if a.value in not_values and a.kind != "ordinal"], found
    assert all(a.unit != "each" for a in found)


@pytest.mark.parametrize(
    "sentence, text, unit",
    [
        ("Negotiators met for a 14-hour session overnight.", "14-hour", "hour"),
        ("Dock workers began a 48-hour strike on Monday.", "48-hour", "hour"),
    ])
def test_hyphenated_durations_of_events(sentence, text, unit):
    assert (text, unit) in [(a.text, a.unit) for a in extract(sentence)]


def test_hyphenated_durations_that_name_a_thing_stay_unread():
    assert extract("He bought 10-year bonds and a one-year loan.") == []


@pytest.mark.parametrize(
    "sentence, text, unit",
    [
        ("At least six are dead after the bridge gave way.", "At least six", "person"),
        ("Police said three were seriously injured in the crash.", "three", "person"),
    ])
def test_a_number_that_is_the_subject_of_a_harm_counts_people(sentence, text, unit):
    assert (text, unit) in [(a.text, a.unit) for a in extract(sentence)]


def test_more_after_a_harm_counts_what_the_sentence_counted_before():
    found = extract("Five miners are killed and 40 more are injured in the blast.")
    assert [(a.value, a.unit) for a in found] == [(5.0, "miner"), (40.0, "miner")]


def test_a_unit_written_before_a_spelled_number():
    a = one("A magnitude six point two quake hit the coast.")
    assert (a.text, a.value, a.unit) == ("magnitude six point two", 6.2, "magnitude")


@pytest.mark.parametrize(
    "sentence, text, value, unit",
    [
        ("Rain left 3/4 inch of water on the streets.", "3/4 inch", 0.75, "inch"),
        ("The bolts are 5/8 inch wide.", "5/8 inch", 0.625, "inch"),
    ])
def test_a_slash_fraction_before_a_unit_measures(sentence, text, value, unit):
    assert (text, value, unit) in [(a.text, a.value, a.unit) for a in extract(sentence)]


@pytest.mark.parametrize("sentence", ["Memorials marked the 9/11 attacks.", "The helpline offers 24/7 support."])
def test_a_slash_pair_without_a_unit_is_a_name(sentence):
    assert extract(sentence) == []


@pytest.mark.parametrize(
    "sentence, unit",
    [
        ("The city sent 12 fire engines to the warehouse blaze.", "fire engine"),
        ("Police said four security officers were hurt at the gate.", "security officer"),
        ("The union says 300 health workers walked out on Monday.", "health worker"),
        ("Twenty member states backed the proposal in Brussels.", "member state"),
        ("He hit 40 home runs in his final season.", "home run"),
        # adjectives, nationalities and names stay out of the unit
        ("Three Pakistani soldiers died in the attack.", "soldier"),
        ("Two smaller aftershocks followed within an hour.", "aftershock"),
        ("She faced five different opponents in the tournament.", "opponent"),
        ("Nine newborn babies were moved to another hospital.", "baby"),
        ("Two British Army soldiers were injured.", "soldier"),
        ("About 30 million small farmers grow the crop.", "farmer"),
        ("Police said 50 angry protesters gathered outside.", "protester"),
        ("The grant helped 80 low income families.", "family"),
        ("Doctors treated 200 pregnant women at the clinic.", "woman"),
        ("The team scored 3 goals in the second half.", "goal"),
        # adjectives whose endings do not show it, and nouns whose endings look like adjectives:
        # WordNet's lists in the spaCy model tell them apart (newsflow.lexicon)
        ("Rescuers found two frozen bodies near the summit.", "body"),
        ("The plant exported two important industries' output.", "industry"),
        ("Two overnight tornadoes touched down in the county.", "tornado"),
        ("The firm reported 1,273,781 sold units last year.", "unit"),
        ("Fishermen launched 6 little boats from the harbour.", "boat"),
        ("Organisers expect 40 festival arrivals on the day.", "festival arrival"),
    ],
)
def test_a_noun_before_the_counted_noun_makes_a_compound_but_an_adjective_does_not(sentence, unit):
    counts = [a for a in extract(sentence) if a.kind == "count"]
    assert [a.unit for a in counts] == [unit], counts


# Scores: the real-news annotators (evaldata/README_real.md) label "2–1" as two counts of goals or
# points. Until the third real dev set the project kept scores out ("Arsenal won 3-1 at home." was
# in test_not_amounts); all three real sets label them, so a score in a score's context now counts.
@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("Arsenal won 3-1 at home.", [(3.0, "goal"), (1.0, "goal")]),
        ("Rovers 2–0 United", [(2.0, "goal"), (0.0, "goal")]),
        ("The hosts were held to a 1-1 draw in the rain.", [(1.0, "goal"), (1.0, "goal")]),
        ("The Lakers beat the Celtics by a score of 112 to 98.", [(112.0, "point"), (98.0, "point")]),
        ("England lost the Test series 3–1 in Australia.", [(3.0, "match"), (1.0, "match")]),
        ("The Cubs won 5-3 after a ninth-inning rally.", [(5.0, "run"), (3.0, "run")]),
    ],
)
def test_a_score_is_two_counts_in_the_sports_unit(sentence, expected):
    assert [(a.value, a.unit) for a in extract(sentence) if a.kind == "count"] == expected


@pytest.mark.parametrize("sentence", [
    "The justices handed the administration a 6-3 victory.",
    "Biden leads Trump 48-45 in the latest poll.",
    "The measure won 5-4 approval in the council.",
    "The patient's pain score fell from 8 to 3.",
    "Traffic queued between Junctions 10-11 on the motorway.",
    "Children aged 9-13 joined the scheme.",
    "Read chapters 4-6 before the seminar.",
])
def test_a_pair_that_is_not_a_score_stays_out(sentence):
    assert [a for a in extract(sentence) if a.kind == "count"] == []


@pytest.mark.parametrize("sentence", [
    "Temperatures were above the 20th century average.",
    "It was the third millennium of the city's history.",
])
def test_a_century_is_not_a_rank(sentence):
    assert [a for a in extract(sentence) if a.kind == "ordinal"] == []


def test_watt_hours_are_named_with_a_hyphen():
    assert [a.unit for a in extract("The pack stores 85 kWh and the plant made 12 megawatt hours.")] \
        == ["kilowatt-hour", "megawatt-hour"]


@pytest.mark.parametrize(
    "sentence, units",
    [
        ("The decree raises the hourly minimum wage for contract cleaners to $17 from May.", ["USD per hour"]),
        ("Their average monthly pay is about 400 US dollars, or roughly 370 euros.", ["USD per month", "EUR per month"]),
        ("The annual salary is $60,000, and the signing bonus is $5,000.", ["USD per year", "USD"]),
        # pay without its period, or a period word on something that is not pay, stays plain money
        ("The hourly figures came out, and the firm paid a fine of $2 million.", ["USD"]),
        ("The company reported annual revenue of $3 billion.", ["USD"]),
        ("The daily allowance scheme, which cost $300 million, ended in May.", ["USD"]),
        ("The hourly pay dispute cost the company $5 million.", ["USD"]),
        ("Monthly rent payments to the council totalled $40 million last year.", ["USD"]),
    ],
)
def test_pay_named_with_its_period_is_a_rate(sentence, units):
    assert [a.unit for a in extract(sentence) if a.kind == "money"] == units


@pytest.mark.parametrize(
    "sentence, unit",
    [
        ("The glacier lost about 30 gigatonnes of ice per year.", "gigatonne per year"),
        ("The mine shipped 4 million tonnes of ore per month.", "tonne per month"),
        ("Exports reached 20 million tonnes of soybeans a year.", "tonne per year"),  # as every real label of a measure
        ("The plant can produce 16.5 million tonnes a year.", "tonne per year"),
        ("Exports were 16.5 million tonnes a year earlier.", "tonne"),  # a comparison, not a rate
    ],
)
def test_a_rate_over_time_after_the_object(sentence, unit):
    assert [a.unit for a in extract(sentence) if a.kind == "quantity"] == [unit]


@pytest.mark.parametrize(
    "sentence, expected",
    [
        ("The number of people employed fell by 12,400 to 9,870,000 in May.",
         [(12400.0, "person"), (9870000.0, "person")]),
        # a death toll counts deaths: 68 of the 82 bare figures after "death toll" in the forty
        # real-news dev sets are labelled "death", 9 of the 14 others by real-dev8's labeller
        # (session 23; the "person" of earlier sessions followed that labeller)
        ("The death toll from the floods has risen to 41.", [(41.0, "death")]),
        ("The death toll in attacks by militants in the east of the country increases to 107 from violence.",
         [(107.0, "death")]),
        ("Overall, 30 (12%) patients needed oxygen.", [(30.0, "patient")]),
        ("Overall, 30 patients needed oxygen.", [(30.0, "patient")]),
    ],
)
def test_what_a_number_counts_from_its_subject_or_across_a_bracketed_share(sentence, expected):
    assert [(a.value, a.unit) for a in extract(sentence) if a.kind == "count"] == expected


def test_a_bracketed_share_stays_an_amount_of_its_own():
    assert [(a.text, a.kind) for a in extract("Overall, 30 (12%) patients needed oxygen.")] \
        == [("30", "count"), ("12%", "percent")]


def test_an_age_after_a_name_is_still_no_amount():
    assert extract("Smith, 45, said he was tired.") == []


@pytest.mark.parametrize("sentence, values", [
    ("It was the second-straight title for the club.", [2.0]),
    ("They won a third consecutive league crown.", [3.0]),
    ("She booked a first-class seat.", []),
])
def test_a_rank_before_straight_or_consecutive_is_an_ordinal(sentence, values):
    assert [a.value for a in extract(sentence) if a.kind == "ordinal"] == values


@pytest.mark.parametrize("sentence, magnitudes", [
    ("A 5.9 earthquake hit the coast, followed by a 4.2 aftershock.", [5.9, 4.2]),
    ("Earlier reports said the quake was a 6.1.", [6.1]),
    ("Shares rose 2.5 after the storm.", []),  # no earthquake: a bare number stays bare
    ("The quake-hit region's output fell 2.3 last year.", []),  # about a quake, but not its size
    ("After the quake, the president had a 3.5 approval rating.", []),
])
def test_a_bare_decimal_about_an_earthquake_is_its_magnitude(sentence, magnitudes):
    assert [a.value for a in extract(sentence) if a.unit == "magnitude"] == magnitudes


# -- changes said away from the number (numchange) ---------------------------------------------------
@pytest.mark.parametrize("sentence, expected", [
    ("Wages saw a 3.5% increase last year.", [("3.5%", "up")]),
    ("Sales posted a 2 per cent decline in May.", [("2 per cent", "down")]),
    ("Fares are 6.1 percent higher than a year ago.", [("6.1 percent", "up")]),
    ("The ticket costs 40 pence more than last season.", [("40 pence", "up")]),
    ("The month was 1.8°F above the 20th century average.", [("1.8°F", "up")]),
    ("The bank cut its main rate by 50 basis points.", [("50 basis points", "down")]),
    ("The index slipped another 0.7% on Friday.", [("0.7%", "down")]),
    ("Output rose $4.1 billion, or 2.2%, in June.", [("$4.1 billion", "up"), ("2.2%", "up")]),
    ("Exports will grow by 1.5% in 2026 and by 2.1% in 2027.", [("1.5%", "up"), ("2.1%", "up")]),
    ("Inputs grew faster (+3.4%) than output.", [("3.4%", "up")]),
    ("Police recorded 210 thefts, 12 fewer than the year before.", [("210 thefts", "="), ("12", "down")]),
    # not changes: a margin, funding raised, a loss as a level
    ("The mayor lost his seat by 14 votes.", [("14 votes", "=")]),
    ("The startup raised $40 million from investors.", [("$40 million", "=")]),
    ("The airline reported a $2 billion loss.", [("$2 billion", "=")]),
    ("The firm hired 26 engineers more than it needed.", [("26 engineers", "=")]),
])
def test_changes_said_after_the_number_or_by_a_verb_further_back(sentence, expected):
    found = extract(sentence)
    assert len(found) == len(expected)
    for a, (text, qualifier) in zip(found, expected, strict=True):
        assert a.text.endswith(text) and a.qualifier == qualifier, a


@pytest.mark.parametrize("sentence, kinds", [
    ("The Nasdaq fell 210 points to close at 15,100 points.", ["quantity", "quantity"]),
    ("She scored 31 points in the final.", ["count"]),  # points scored stay counts
])
def test_points_of_a_stock_index_measure_its_level(sentence, kinds):
    assert [a.kind for a in extract(sentence) if a.unit == "point"] == kinds


def test_a_standings_line_gives_every_entry_the_unit_of_the_first():
    found = extract("Table after 3 rounds: Rovers 7 points, United 4, City, Athletic 1.")
    assert [(a.text, a.unit) for a in found if a.unit == "point"] == [("7 points", "point"), ("4", "point"), ("1", "point")]
    assert [a.text for a in extract("The Airbus 320 landed safely, and Boeing 737 jets were grounded.")] == []


@pytest.mark.parametrize("sentence, expected", [
    ("Petrol duty stays at 52.95 ppl after the cut of 5 ppl.",
     [(0.5295, "GBP per litre"), (0.05, "GBP per litre")]),
    ("He retired with a batting average of .312 and hit .280 in his last season.",
     [(0.312, "batting average"), (0.28, "batting average")]),
    ("The probe measured .312 on the scale.", [(0.312, None)]),  # no batting: a bare decimal
])
def test_abbreviated_rates_and_batting_averages(sentence, expected):
    assert [(round(a.value, 6), a.unit) for a in extract(sentence)] == expected


@pytest.mark.parametrize("sentence, expected", [
    ("Some 4.1m men and women were out of work, of whom 2.2m were young.",
     [(4.1e6, "person"), (2.2e6, "person")]),
    ("The region has 1.3m households.", [(1.3e6, "household")]),
    ("The 2.5m pipe burst.", [(2.5, None)]),  # a single thing measured: no scale
])
def test_a_glued_m_before_a_counted_noun_is_millions(sentence, expected):
    assert [(a.value, a.unit) for a in extract(sentence)] == expected


# --- real-dev5 error classes: units, currencies, labels, rates (sentences written for these tests)

@pytest.mark.parametrize("sentence, expected", [
    ("Stocks were cut 0.5 million cwt to 25.5 million cwt.",
     [(5e5, "hundredweight", "quantity"), (25.5e6, "hundredweight", "quantity")]),
    ("The price was raised to $11.50 per cwt.", [(11.5, "USD per hundredweight", "money")]),
    ("Bread rose by 6pc last year.", [(6.0, "percent", "percent")]),
    ("The school bought 5 PCs.", [(5.0, "PC", "count")]),  # capital PC is a computer (an acronym plural), not percent
])
def test_hundredweight_and_pc(sentence, expected):
    assert [(a.value, a.unit, a.kind) for a in extract(sentence)] == expected


@pytest.mark.parametrize("sentence, unit", [
    ("About $6 million will go to new classrooms in the Tauranga area.", "NZD"),
    ("The council in Dunedin set aside $2 million.", "NZD"),
    ("A diner in Wellington, Fla. charged $5 for coffee.", "USD"),  # a US town: no cue
])
def test_new_zealand_regions_are_dollar_cues(sentence, unit):
    assert [a.unit for a in extract(sentence) if a.kind == "money"] == [unit]


def test_a_hyphenated_currency_word_is_money_and_a_hanging_hyphen_shares_it():
    assert [(a.text, a.unit, a.kind) for a in extract("She found a 10-euro note.")] == [("10-euro", "EUR", "money")]
    assert [(a.unit, a.kind) for a in extract("He carried a 5-pound bag.")] == [("pound", "quantity")]  # a weight
    assert [(a.text, a.unit) for a in extract("The mint struck 20- and 25-franc coins.")] == [
        ("20-", "CHF"), ("25-franc", "CHF")]
    # only a hyphen left hanging right before "and"/"or" and the next amount
    assert [(a.text, a.unit) for a in extract("the 20- and then 25-franc coins")] == [
        ("20", None), ("25-franc", "CHF")]


def test_a_financial_year_is_no_score():
    assert [(a.value, a.unit) for a in extract("The 2019-20 Budget adds $5 billion.")] == [(5e9, "USD")]
    found = extract("The team won 3-2 in the 2019-20 season.")
    assert [(a.value, a.unit) for a in found] == [(3.0, "goal"), (2.0, "goal")]


@pytest.mark.parametrize("sentence, expected", [
    ("Roughly 5,000 people marched.", [("Roughly 5,000 people", "person", "~")]),
    ("Approximately 67 of the drugs were sold.", [("Approximately 67", "drug", "~")]),
    ("Flight 370 vanished.", []),  # a capitalised name before a number is still a name
    ("The case (SA. 57372) was closed.", []),  # an abbreviation with a full stop names a case
    ("In the U.S. 300 people died.", [("300 people", "person", "=")]),  # "U.S." is no such abbreviation
    ("Sessions 1 through 3 drew 300 people.", [("300 people", "person", "=")]),  # label pair with "through"
])
def test_capitalised_hedges_and_label_names(sentence, expected):
    assert [(a.text, a.unit, a.qualifier) for a in extract(sentence)] == expected


@pytest.mark.parametrize("sentence, expected", [
    ("The ranch keeps 30 head of cattle.", [(30.0, "head")]),
    ("Inventory was 9.1 million head in 2021.", [(9.1e6, "head")]),
    ("Officials grounded 12 aircraft after the storm.", [(12.0, "aircraft")]),
    ("The league fired two head coaches.", [(2.0, "head coach")]),  # a modifier, not the counted noun
    ("Three aircraft carriers sailed.", [(3.0, "aircraft carrier")]),
])
def test_invariant_plurals_count(sentence, expected):
    assert [(a.value, a.unit) for a in extract(sentence)] == expected


@pytest.mark.parametrize("sentence, expected", [
    ("The town held a three-day festival.", [("three-day", "day")]),
    ("Yields were 34 percent above the 5-year average.", [("34 percent", "percent"), ("5-year", "year")]),
    ("Investors bought the 10-year bond.", []),  # a term that names the bond
    # any span of time written as a compound: the real-news annotators label them all
    # (evaldata/README_real.md, fourth set: "compound durations '12-month', '20-year' are quantities")
    ("A 60-day state of emergency began.", [("60-day", "day")]),
    ("The 3-month timescale set a record.", [("3-month", "month")]),
    ("He spent 10-years in jail.", [("10-years", "year")]),
    # but not a maturity, a return period or an age
    ("The benchmark 10-year Treasury note rose.", []),
    ("The 10-year U.S. bond yield fell.", []),
    ("It was a 100-year flood.", []),
    ("A 17-year old student was shot.", []),
])
def test_hyphenated_spans_before_event_and_average_nouns(sentence, expected):
    assert [(a.text, a.unit) for a in extract(sentence)] == expected


def test_a_money_rate_after_a_bracketed_conversion_belongs_to_both():
    found = extract("The budget is NOK 375 million (approximately EUR 47 million) per year.")
    assert [(a.unit, a.qualifier) for a in found] == [("NOK per year", "="), ("EUR per year", "~")]
    found = extract("The deal cost $5 million (£4 million) in 2020.")
    assert [a.unit for a in found] == ["USD", "GBP"]


@pytest.mark.parametrize("sentence, expected", [
    ("Students spent $4.5 billion every year.", [("$4.5 billion every year", "USD per year")]),
    ("She paid $5 every other day.", [("$5", "USD")]),
    # a count per span of time is one unit, as every real-news set labels it ("50 lashes a week",
    # "2 million trips a year", "13 million passengers a day"), and so is a measure's
    # ("1 million barrels a day", "800,000 liters of oil a day": every real label of one)
    ("He walked 4,000 steps every day.", [("4,000 steps every day", "step per day")]),
    ("The station welcomes over 35,000 people a day.", [("over 35,000 people a day", "person per day")]),
    ("That is more than the 400,000 deaths a year from tobacco.", [("400,000 deaths a year", "death per year")]),
    ("The mine ships 16 million tonnes a year.", [("16 million tonnes a year", "tonne per year")]),
    ("Two people a year earlier had been hurt.", [("Two people", "person")]),  # a comparison, no rate
    ("The agency spends $5 billion annually.", [("$5 billion annually", "USD per year")]),
    ("The race draws 10,000 runners annually.", [("10,000 runners annually", "runner per year")]),
    ("Output hit 3 tonnes daily average.", [("3 tonnes", "tonne")]),  # an adjective, not a rate
])
def test_every_and_period_adverbs_make_rates(sentence, expected):
    assert [(a.text, a.unit) for a in extract(sentence)] == expected


def test_a_year_before_to_is_no_range():
    found = extract("Output rose from 9.1 million tonnes in 2001 to 9.2 million tonnes in 2009.")
    assert [(a.value, a.value_max, a.unit) for a in found] == [(9.1e6, None, "tonne"), (9.2e6, None, "tonne")]
    found = extract("Between 2000 and 3000 people marched.")
    assert [(a.value, a.value_max, a.unit) for a in found] == [(2000.0, 3000.0, "person")]


@pytest.mark.parametrize("sentence, expected", [
    ("The team was ranked No. 1 in the world.", [("No. 1", "ordinal", 1.0)]),
    ("The world's No. 2 player lost.", [("No. 2", "ordinal", 2.0)]),
    ("He lives at No. 10 Downing Street.", []),
    ("Route No. 5 was closed.", []),
])
def test_a_ranked_number_label_is_an_ordinal(sentence, expected):
    assert [(a.text, a.kind, a.value) for a in extract(sentence)] == expected


@pytest.mark.parametrize("sentence, expected", [
    ("Most growth came from adults aged 25–49 years (62 percent).", [("62 percent", "percent")]),
    ("Children aged under 15 years were 29 percent.", [("29 percent", "percent")]),
    ("The project took 25–49 years.", [("25–49 years", "year")]),  # no age word: a span of time
])
def test_hedged_and_ranged_ages_are_not_amounts(sentence, expected):
    assert [(a.text, a.unit) for a in extract(sentence)] == expected


@pytest.mark.parametrize("sentence, expected", [
    ("The yield reached 7,716 pounds per acre.", [("pound per acre", "quantity")]),
    ("Rent was 200 pounds per acre, paid in sterling.", [("GBP per acre", "money")]),
    ("Rent was £200 per acre.", [("GBP per acre", "money")]),
])
def test_pounds_per_acre_weigh(sentence, expected):
    assert [(a.unit, a.kind) for a in extract(sentence)] == expected


def test_or_more_between_number_and_noun_stays_in_the_span():
    assert [(a.text, a.unit) for a in extract("Strikes idle 1,000 or more workers.")] == [
        ("1,000 or more workers", "worker")]
    assert [(a.text, a.unit) for a in extract("We need 20 or more.")] == [("20", None)]


def test_a_bare_fraction_shares_a_nearby_count_rate_only():
    found = extract("Fertility ran from 1.6 babies per woman in the south to 2.2 in the north.")
    assert [(a.value, a.unit) for a in found] == [(1.6, "baby per woman"), (2.2, "baby per woman")]
    found = extract("Crews counted 12 trucks and 2.5 on average.")
    assert [(a.value, a.unit) for a in found] == [(12.0, "truck"), (2.5, None)]


def test_an_abbreviation_defined_in_brackets_names_unit_and_scale():
    found = extract("Output is 13.5 million metric tons (mmt), up 0.9 mmt from last month.")
    assert [(a.text, a.value, a.unit) for a in found] == [
        ("13.5 million metric tons", 13.5e6, "tonne"), ("up 0.9 mmt", 9e5, "tonne")]
    found = extract("Output is 13.5 million metric tons, up 0.9 from last month.")  # nothing defined
    assert [(a.value, a.unit) for a in found][1] == (0.9, None)


@pytest.mark.parametrize("sentence, text, unit", [
    ("Air strikes kill at least 20 Palestinians in the south.", "at least 20 Palestinians", "Palestinian"),
    ("The drill brings in 50,000 South Koreans.", "50,000 South Koreans", "South Korean"),
    ("One Palestinian is killed in the attack.", "One Palestinian", "Palestinian"),
    ("The floods took the lives of 8 Haitians last week.", "8 Haitians", "Haitian"),
    ("The list includes two Canadians, officials say.", "two Canadians", "Canadian"),
])
def test_people_counted_by_nationality_take_the_singular_demonym(sentence, text, unit):
    a = one(sentence)
    assert (a.text, a.unit, a.kind) == (text, unit, "count")


@pytest.mark.parametrize("sentence, unit", [
    ("Troops raided 30 Chinese factories.", "factory"),  # a demonym before a noun counts the noun
    ("Three Israeli soldiers were hurt.", "soldier"),
])
def test_a_demonym_before_a_noun_leaves_the_noun_counted(sentence, unit):
    assert one(sentence).unit == unit


def test_a_plural_only_noun_before_a_plural_noun_is_its_modifier():
    assert one("Militants attacked at least 26 police posts overnight.").unit == "police post"
    assert one("Four police were hurt.").unit == "police"


@pytest.mark.parametrize("sentence, unit", [
    ("Two Somali National Army airstrikes hit the town.", "airstrike"),  # a singular demonym is a modifier
    ("It met 5 Israeli and Palestinian officials.", "official"),
    ("Eleven European and Balkan leaders meet in Brussels.", "leader"),  # coordinated capitalised modifiers
])
def test_capitalised_modifiers_before_a_noun_leave_the_noun_counted(sentence, unit):
    assert one(sentence).unit == unit


@pytest.mark.parametrize("url, dollar", [
    ("https://www.abs.gov.au/statistics/latest-release", "AUD"),
    ("https://www.stats.govt.nz/news/x", "NZD"),
    ("https://www.canada.ca/en/news.html", "CAD"),
    ("https://www.gov.uk/government/news/x", "USD"),  # not a dollar country: a bare "$" is USD
    ("https://example.com/a", "USD"),
    ("http://[not-a-url/x", "USD"),
    ("https://web.archive.org/web/2013/http://www.statcan.gc.ca/daily/x", "CAD"),  # an archive's copy: the site copied
    ("https://example.com/share?u=https://www.abs.gov.au/x", "USD"),  # a query's redirect is not the site
    (None, "USD"),
])
def test_a_bare_dollar_without_cues_takes_the_site_s_country(url, dollar):
    from newsflow.money import article_dollar

    assert article_dollar("Spending rose by $2.8 billion to $18.8 billion.", url) == dollar


def test_the_article_s_own_words_win_over_its_site():
    from newsflow.money import article_dollar

    assert article_dollar("The U.S. Treasury paid $4 billion.", "https://www.abs.gov.au/x") == "USD (an American article)"
    both = "Manitoba announced a plan. Winnipeg pays $4."
    assert article_dollar(both, "https://www.abs.gov.au/x") == "CAD"


@pytest.mark.parametrize("sentence, unit, pair", [
    ("After a tight game the home side came out victorious, 58-50.", "point", (58, 50)),
    ("They won again, defeating the visitors 88-79 in the final.", "point", (88, 79)),
    ("The Marines took the title with a 73-71 overtime victory over Navy.", "point", (73, 71)),
    ("Air Force edge Army 1-0 in the championship match.", "goal", (1, 0)),
    ("The women were up 17-14 at halftime.", "point", (17, 14)),
])
def test_more_result_words_make_a_pair_a_score_of_two_counts(sentence, unit, pair):
    assert [(a.value, a.unit, a.kind) for a in extract(sentence)] == [(pair[0], unit, "count"), (pair[1], unit, "count")]


def test_a_pair_without_a_result_word_is_still_no_score():
    assert extract("Junctions 10-11 of the motorway are closed.") == []


@pytest.mark.parametrize("sentence, values", [
    ("The limits will increase from 26 percent to 49 percent.", [(26, None), (49, None)]),
    ("Prices rose from $3 to $4 a gallon.", [(3, None), (4, None)]),
    ("Temperatures will range from 5 to 10 degrees.", [(5, 10)]),  # no change verb: a range
])
def test_from_to_after_a_change_verb_is_two_levels_not_a_range(sentence, values):
    assert [(a.value, a.value_max) for a in extract(sentence)] == values


def test_weather_text_writes_knots_as_kts():
    found = [(a.text, a.value, a.unit) for a in extract("Sarika had peak sustained winds of 115 kts (132 mph).")]
    assert found == [("115 kts", 115, "knot"), ("132 mph", 132, "mile per hour")]


@pytest.mark.parametrize("sentence, unit", [
    ("A man weighing 300 pounds was arrested.", "pound"),
    ("The bag weighs 20 pounds.", "pound"),
    ("Placements of cattle weighing less than 600 pounds rose.", "pound"),
    ("He paid 300 pounds for the ticket.", "GBP"),
])
def test_pounds_after_a_weight_verb_or_of_livestock_weigh(sentence, unit):
    assert one(sentence).unit == unit


@pytest.mark.parametrize("sentence, unit, pair", [
    ("France may have beaten Switzerland 5-2 on Friday.", "goal", (5, 2)),
    ("Brazil did not expect to get blown out 7-1 in their semifinal.", "goal", (7, 1)),
    ("Klose scored in the 7-1 semifinal win over Brazil.", "goal", (7, 1)),
    ("The Supreme Court votes 5–4 to overturn the limits.", "vote", (5, 4)),
    ("The Senate, in a 92–5 vote, confirms the director.", "vote", (92, 5)),
])
def test_scores_after_more_result_words_and_vote_tallies_are_two_counts(sentence, unit, pair):
    assert [(a.value, a.unit) for a in extract(sentence)] == [(pair[0], unit), (pair[1], unit)]


def test_minutes_and_seconds_are_one_race_time_in_seconds():
    found = [(a.text, a.value, a.unit) for a in extract("Her time of 15 minutes, 41.40 seconds was slow.")]
    assert found == [("15 minutes, 41.40 seconds", 941.4, "second")]
    assert [a.unit for a in extract("It took 11 hours and 55 minutes.")] == ["hour"]  # hours keep the larger unit


@pytest.mark.parametrize("sentence, unit", [
    ("The 17 euro-using nations agreed.", "nation"),  # a currency word before a hyphen is an adjective
    ("Up to 640,000 premises will be connected.", "premises"),
    ("Two British service personnel were killed.", "service personnel"),
    ("Two explosives factories blew up.", "factory"),
    ("One person dies in the fire.", "person"),  # one noun and its verb, not "person dy"
    ("Seven missing Japanese divers were found.", "diver"),
])
def test_counted_nouns_in_real_news_phrasings(sentence, unit):
    assert one(sentence).unit == unit


# -- a reviewer's reproducers for this round's rules ---------------------------------------------


@pytest.mark.parametrize("sentence, expected", [
    ("The race has 12 Republican and 9 Democratic candidates.", [(12, "candidate"), (9, "candidate")]),
    ("The strike killed 40 Friday and wounded dozens more.", [(40, "person")]),
    ("Gunmen killed 4 police hours after the vote.", [(4, "police")]),
    ("Five Danes and two Swedes were rescued.", [(5, "Dane"), (2, "Swede")]),
    ("Three Americans and two Britons were freed.", [(3, "American"), (2, "Briton")]),
])
def test_coordination_time_nouns_and_listed_plural_demonyms(sentence, expected):
    assert [(a.value, a.unit) for a in extract(sentence)] == expected


@pytest.mark.parametrize("sentence", [
    "Analysts expect declines ranging from 3 to 5 percent.",
    "Prices increased anywhere from 5 to 10 percent.",
    "Costs rose from 5 to 10 percent.",  # a bare first number shares the second's unit: a range
])
def test_from_to_stays_a_range_unless_a_change_verb_gives_two_levels_with_units(sentence):
    assert [(a.value, a.value_max, a.unit) for a in extract(sentence)] == [
        (float(sentence.split("from ")[1].split()[0]), float(sentence.split(" to ")[1].split()[0]), "percent")]


@pytest.mark.parametrize("sentence", [
    "Democrats have an edge 52-48 among likely voters.",
    "The company edges out rivals with a 60-40 split of profits.",
    "Lawmakers passed the bill, defeating an amendment 220-205.",
])
def test_result_words_outside_sport_make_no_score(sentence):
    assert [a for a in extract(sentence) if a.unit in ("point", "goal")] == []


def test_halftime_makes_a_lead_a_score():
    assert [(a.value, a.unit) for a in extract("Fiji led 17-14 at halftime.")] == [(17, "point"), (14, "point")]


@pytest.mark.parametrize("url", ["https://twitch.tv/a", "https://foo.nu/x", 12, b"https://www.abs.gov.au/"])
def test_generic_country_domains_and_non_text_urls_keep_usd(url):
    from newsflow.money import article_dollar

    assert article_dollar("It cost $4.", url) == "USD"


@pytest.mark.parametrize("sentence, unit", [
    ("Four missing Americans were found.", "American"),  # a casualty adjective before a demonym
    ("Crews found 2 missing US sailors.", "sailor"),  # before an abbreviation and a noun
    ("It left 20 dead.", "person"),
])
def test_casualty_adjectives_before_who_is_counted(sentence, unit):
    assert one(sentence).unit == unit


@pytest.mark.parametrize("sentence, expected", [
    ("Output averaged 111.5 Bcf/d in 2019.", [("111.5 Bcf/d", 1.115e11, "cubic foot per day")]),
    ("Proved reserves rose to 12 Tcf.", [("12 Tcf", 1.2e13, "cubic foot")]),
    ("Pipeline flows hit 30 bcm.", [("30 bcm", 3e10, "cubic metre")]),
    ("Production grew by 9.8 billion cubic feet per day.", [("9.8 billion cubic feet per day", 9.8e9, "cubic foot per day")]),
    ("The plan returns 450GL to the river.", [("450GL", 450.0, "gigalitre")]),
    ("Dams released 120 megalitres overnight.", [("120 megalitres", 120.0, "megalitre")]),  # not "ML": a magnitude too
])
def test_volumes_of_gas_and_water_and_symbols_that_carry_their_own_scale(sentence, expected):
    assert [(a.text.split("by ")[-1], a.value, a.unit) for a in extract(sentence)] == [
        (t, pytest.approx(v), u) for t, v, u in expected]


@pytest.mark.parametrize("sentence, value, unit", [
    ("The economy will shrink by eight-tenths of a percent in 2015.", 0.8, "percent"),
    ("Growth slowed to six-tenths of one percent.", 0.6, "percent"),
    ("The sector will plant half a billion trees.", 5e8, "tree"),
])
def test_spelled_fractions_of_a_percent_and_half_a_scale(sentence, value, unit):
    assert [(a.value, a.unit) for a in extract(sentence)] == [(pytest.approx(value), unit)]


@pytest.mark.parametrize("sentence", [
    "The auction follows the high band 5G auction.",
    "Operators will switch off their 3G networks.",
])
def test_mobile_network_generations_are_names(sentence):
    assert extract(sentence) == []


@pytest.mark.parametrize("sentence, expected", [
    ("Djokovic defeats Murray 6–4, 6–2, 6–3", [(6, "game"), (4, "game"), (6, "game"), (2, "game"), (6, "game"), (3, "game")]),
    ("Federer defeats Tsonga 6–3, 6–7, 6–3.", [(6, "game"), (3, "game"), (6, "game"), (7, "game"), (6, "game"), (3, "game")]),
    ("Li Na defeats Schiavone 6–4, 7–6(7–0)", [(6, "game"), (4, "game"), (7, "game"), (6, "game"), (7, "point"), (0, "point")]),
    ("Nadal won the tennis final 3-1.", [(3, "set"), (1, "set")]),  # one pair in sets: the match score
    ("Leeds beat Hull 6-2, a record win.", [(6, "goal"), (2, "goal")]),  # one pair alone: no sets
    ("Expect 6-7 degrees, 8-9 degrees tomorrow.", [(6, "degree"), (8, "degree")]),  # ranges stay ranges
])
def test_tennis_set_scores_in_a_row_count_games_and_the_tiebreak_points(sentence, expected):
    assert [(a.value, a.unit) for a in extract(sentence)] == expected


@pytest.mark.parametrize("sentence, text", [
    ("Other reports say that the magnitude was 5.7.", "magnitude was 5.7"),
    ("It registered 7.6 on the Richter scale.", "7.6 on the Richter scale"),
    ("A magnitude 6.6 quake hit the coast.", "magnitude 6.6"),
])
def test_magnitudes_named_before_or_on_a_scale_after(sentence, text):
    assert [(a.text, a.unit) for a in extract(sentence)] == [(text, "magnitude")]


@pytest.mark.parametrize("sentence, expected", [
    ("It is the strongest hurricane in a decade.", [("a decade", "decade")]),
    ("The worst flooding in a decade has killed 24 people.", [("a decade", "decade"), ("24 people", "person")]),
    ("It hit China, the third storm there in a week.", [("third", None), ("a week", "week")]),
    # not a span since something happened: a time to come, a noun phrase, the period of a change
    ("We will know in a week's time.", []),
    ("It came in a year of drought.", []),
    ("A pint costs £6.16, up 31p in a year.", [("£6.16", "GBP"), ("up 31p", "GBP")]),
    ("Prices rose 5% in a year.", [("rose 5%", "percent")]),
])
def test_in_a_period_is_the_span_since_something_last_happened(sentence, expected):
    assert [(a.text, a.unit) for a in extract(sentence)] == expected


@pytest.mark.parametrize("sentence, expected", [
    ("CDC: 83 Million Adults Tested for HIV", [(83e6, "adult")]),
    ("Floods Kill 30 Villagers In Northern India", [(30.0, "villager")]),
    ("Energy Office: 19 Advanced PV Technologies Win Grants", [(19.0, "technology")]),
    ("Polls show 50 Democrats backing the bill.", [(50.0, None)]),  # a name's capital in running text
])
def test_a_title_case_headline_counts_its_capitalised_noun(sentence, expected):
    assert [(a.value, a.unit) for a in extract(sentence)] == expected


def test_kilowatt_hours_in_any_case():
    assert [a.unit for a in extract("Prices were €0.276 per KWh and 300 kwh a month.")] == [
        "EUR per kilowatt-hour", "kilowatt-hour per month"]


@pytest.mark.parametrize("sentence, expected", [
    ("Ukraine frees nine Russian POWs.", [(9.0, "POW")]),
    ("Troops found 40 IEDs near 3 UN bases.", [(40.0, "IED"), (3.0, "base")]),
    ("The vote elected 50 MPs.", [(50.0, "MP")]),
    ("Two presumed people smugglers are arrested.", [(2.0, "smuggler")]),
    ("A plane carrying five people crashes.", [(5.0, "person")]),  # a verb after "people", not a noun
    ("The blast injured two passersby.", [(2.0, "passerby")]),
    ("Police arrest four without charges.", [(4.0, "person")]),  # a preposition is no counted noun
    ("It pledged CAN$1 billion in aid.", [(1e9, "CAD")]),
])
def test_acronym_plurals_and_other_counted_nouns(sentence, expected):
    assert [(a.value, a.unit) for a in extract(sentence)] == expected


@pytest.mark.parametrize("sentence, expected", [
    ("Australia lost Sunday night to Canada 50–57 in wheelchair basketball.", [(50, "point"), (57, "point")]),
    ("She extended her team's lead to 47–43 in the final quarter.", [(47, "point"), (43, "point")]),
    ("The Gliders ran out the winners of the final, 52–50.", [(52, "point"), (50, "point")]),  # "winners" needs a sport
    ("Williams won in straight sets (6-4, 6-4) on Saturday.", [(6, "game"), (4, "game"), (6, "game"), (4, "game")]),
    ("The win pushed his record at the French Open to 66-1.", [(66, "win"), (1, "loss")]),
    ("The Jets finished with a 10-6 record.", [(10, "win"), (6, "loss")]),
    ("The IAEA passes a resolution 25-3 condemning Iran.", [(25, "vote"), (3, "vote")]),
    ("The Senate passed it by a record 92-5 vote.", [(92, "vote"), (5, "vote")]),
    # still ranges: a counted noun or a unit after, no score's context, or a date
    ("The party won 10-15 seats.", [(10, "seat")]),
    ("Clinton holds a lead 52-48 among voters.", []),
    ("From 28 to 30 January, it was hot.", []),
])
def test_scores_records_and_tallies_that_look_like_ranges(sentence, expected):
    assert [(a.value, a.unit) for a in extract(sentence)] == expected


def test_a_hyphenated_magnitude():
    assert [(a.text, a.unit) for a in extract("A magnitude-8.3 quake hit the region.")] == [("magnitude-8.3", "magnitude")]


@pytest.mark.parametrize("sentence, expected", [
    ("Attackers stab passers-by, killing two and injuring one; both are shot.", [(2.0, "person"), (1.0, "person")]),
    ("As soon as the first one blew himself up, a second attacker came.", [(1.0, None), (2.0, None)]),  # ordinals
    ("No one else was hurt.", []),
    ("Only one person died.", [(1.0, "person")]),
    ("Police seize three Islamic Revolutionary Guard Corps (IRGC) members.", [(3.0, "member")]),
])
def test_one_as_a_pronoun_a_casualty_or_a_count(sentence, expected):
    assert [(a.value, a.unit) for a in extract(sentence)] == expected


@pytest.mark.parametrize("sentence, expected", [
    ("Sun Bowl in El Paso, Texas: Notre Dame 33, Miami 17", [(33, "point"), (17, "point")]),
    ("In Miami, Florida: Miami Heat 120, Boston Celtics 107.", [(120, "point"), (107, "point")]),
    ("Cronulla 40 def. Melbourne 16 at Toyota Park, Sydney", [(40, "point"), (16, "point")]),
    ("Final: Russia 5–6 (2OT) Sweden", [(5, "goal"), (6, "goal"), (2, None)]),  # not five to six
    ("Group A: Zimbabwe 298/9 (50 overs); Canada 123 (42.1 overs).",
     [(298, "run"), (9, "wicket"), (50, "over"), (123, "run"), (42.1, "over")]),
    ("Australia got a five point lead of 44–39.", [(5, "point"), (44, "point"), (39, "point")]),
    ("Labour won with a 10 seat majority.", [(10, "seat")]),
    ("Clinton holds a lead of 52-48 among voters.", []),  # a poll's lead
    ("Noosa beat Nambour in round 18 of the league.", []),  # a round's number is a label
    ("Standings: (1) Vettel 240 points (2) Fernando Alonso (Ferrari) 227", [(240, "point"), (227, "point")]),  # places
    # names with numbers in running text are no results line
    ("Microsoft released Windows 10, Office 365 and more.", []),
])
def test_results_lines_cricket_innings_and_margins(sentence, expected):
    assert [(a.value, a.unit) for a in extract(sentence)] == expected


@pytest.mark.parametrize("sentence, expected", [
    ("There were 12 named storms, and 6 become hurricanes.", [(12, "named storm"), (6, "hurricane")]),  # what they become
    ("The US had 279 weather and climate disasters.", [(279, "disaster")]),  # coordinated modifiers
    ("He counted two men and three women.", [(2, "man"), (3, "woman")]),
    ("Adults should be tested about 20 times a year.", [(20, "times per year")]),
    ("Trains run four times an hour.", [(4, "times per hour")]),
    ("The figure is final for 2016 whereas the earlier one was higher.", []),  # a year, then a conjunction
    ("A time near closest approach, 2200 Universal Time, is late.", []),
])
def test_verbs_conjunctions_and_coordinated_modifiers_end_or_join_a_noun_phrase(sentence, expected):
    assert [(a.value, a.unit) for a in extract(sentence)] == expected


@pytest.mark.parametrize("sentence, expected", [
    ("Hampshire (385 & 388 for 7) beat Gloucestershire (363 & 232) by 178 runs.",
     [(385, "run"), (388, "run"), (7, "wicket"), (363, "run"), (232, "run"), (178, "run")]),
    ("West Indies (226 for 7) beat Sri Lanka (193) by 33 runs.", [(226, "run"), (7, "wicket"), (193, "run"), (33, "run")]),
    ("The NBA Finals series is tied 2–2.", [(2, "game"), (2, "game")]),
    ("England lead 5-match series 3–1.", [(5, "match"), (3, "match"), (1, "match")]),
    ("South Africa defeat New Zealand 32-29 to win the Tri Nations Series.", [(32, "point"), (29, "point")]),
    ("Australia had a loss to Canada 50–57.", [(50, "point"), (57, "point")]),
    ("They defeated the USA on Thursday in a 40–39 thriller.", [(40, "point"), (39, "point")]),
    ("The Springboks (South Africa) upset the All Blacks (New Zealand) 22–16.", [(22, "point"), (16, "point")]),
    ("The firm (Acme) was sold for 5 million.", [(5e6, None)]),  # no cricket: brackets are no scorecard
])
def test_cricket_scorecards_series_and_more_score_words(sentence, expected):
    assert [(a.value, a.unit) for a in extract(sentence) if a.kind != "ordinal"] == expected


# Found by a reviewer attacking this round's rules (session 21); each was a misfire of a new rule.
@pytest.mark.parametrize("sentence, expected", [
    ("Police said that one person was killed in the blast.", [(1, "person")]),
    ("Take 5 mL of the syrup twice a day.", [(5, "millilitre"), (2, "times per day")]),
    ("His record in the 2019-20 season was poor.", []),
    ("The company posted record sales in fiscal 2023-24.", []),
    ("Shares hit a record 3-4 times their listing price.", [(3, "times")]),
    ("The board voted 6-3, 7-2 on the two proposals.", [(6, "vote"), (3, "vote"), (2, "proposal")]),
    ("City won their last three games 6-4, 3-1 and 2-0.", [(3, "game"), (6, "goal"), (4, "goal"), (3, "goal"), (1, "goal")]),
    ("Winners outnumbered losers 2-1 on the Nasdaq.", []),
    ("The Democrats flipped two seats, making it 218-217.", [(2, "seat")]),
    ("He will retire in a year.", []),
    ("Sales doubled in a year.", []),
    ("The 10-year JGB yield rose and the 6-month Euribor rate fell.", []),
    ("The 3-month bills fell.", []),
    ("The 100-year storm hit, a two-day storm.", [(2, "day")]),
    ("The 10-year anniversary was marked.", []),
    ("Gas sold at $2.50 per Mcf.", [(2.5, "USD per Mcf")]),
    ("Gazprom charges $250 per tcm.", [(250, "USD per tcm")]),
    ("A 4.2 ML quake struck.", [(4.2, None)]),
    ("The magnitude is 3 times what we expected.", [(3, "times")]),
    ("The economy shrank for six quarters in a row.", [(6, "quarter")]),
])
def test_reviewed_misfires_of_this_rounds_rules(sentence, expected):
    assert [(a.value, a.unit) for a in extract(sentence)] == [(pytest.approx(v), u) for v, u in expected]


def test_long_unsegmented_text_stays_linear_in_the_number_of_pairs():
    """The sentence-wide checks (sport words, title case) run once per sentence, not once per pair:
    2,000 pairs in one 'sentence' must be read in a bounded number of regex scans of it."""
    from newsflow import counted, numsport

    text = "a record 3-4 times " * 2000
    numsport._not_sport.cache_clear()
    counted._title_case.cache_clear()
    extract(text)
    assert numsport._not_sport.cache_info().misses <= 1
    assert counted._title_case.cache_info().misses <= 1


@pytest.mark.parametrize("sentence, value, unit", [
    ("Half a dozen people were hurt.", 6.0, "person"),
    ("About half a percent of voters switched.", 0.5, "percent"),
    ("Rates rose half a percentage point.", 0.5, "percentage point"),
    ("Rates rose a percentage point.", 1.0, "percentage point"),
    ("Nearly half a million fled.", 5e5, None),
])
def test_half_a_and_a_before_a_scale_or_a_percent(sentence, value, unit):
    assert [(a.value, a.unit) for a in extract(sentence)] == [(value, unit)]


@pytest.mark.parametrize("sentence, expected", [
    ("The goods deficit fell, a decrease of $0.8 billion to $75.1 billion.", [(8e8, None, "USD"), (7.51e10, None, "USD")]),
    ("An increase of 5 to 10 percent is expected.", [(5.0, 10.0, "percent")]),  # a bare first number: a range
    ("Over the last four quarters, productivity increased 2.5 percent.", [(4, None, "quarter"), (2.5, None, "percent")]),
    ("Three quarters of a million homes got notices.", [(7.5e5, None, "home")]),
    ("Over half a million children benefitted.", [(5e5, None, "child")]),
    ("There were 233 cooling degree days, 95 fewer CDDs than normal.",
     [(233, None, "cooling degree day"), (95, None, "cooling degree day")]),
])
def test_a_change_then_its_level_quarters_as_periods_scaled_fractions_and_degree_days(sentence, expected):
    assert [(a.value, a.value_max, a.unit) for a in extract(sentence)] == expected


def test_a_number_in_a_span_of_time_is_no_share():
    assert [(a.text, a.unit) for a in extract("He scored five in ten minutes.")][-1] == ("ten minutes", "minute")
    assert not any(a.unit == "percent" for a in extract("He scored five in ten minutes."))
