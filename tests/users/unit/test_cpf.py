import pytest

from apps.users.cpf import format_cpf, generate_cpf, is_valid_cpf, normalize_cpf


@pytest.mark.parametrize("cpf", ["52998224725", "11144477735", "00000000191"])
def test_it_accepts_cpfs_with_valid_check_digits(cpf: str) -> None:
    assert is_valid_cpf(cpf)


@pytest.mark.parametrize("cpf", ["52998224724", "52998224715", "11144477736"])
def test_it_rejects_a_wrong_check_digit(cpf: str) -> None:
    assert not is_valid_cpf(cpf)


@pytest.mark.parametrize("digit", "0123456789")
def test_it_rejects_sequences_of_one_repeated_digit(digit: str) -> None:
    assert not is_valid_cpf(digit * 11)


@pytest.mark.parametrize("cpf", ["", "5299822472", "529982247250", "5299822472a"])
def test_it_rejects_wrong_lengths_and_non_digits(cpf: str) -> None:
    assert not is_valid_cpf(cpf)


@pytest.mark.parametrize(
    "cpf",
    [
        "\u0665\u0662\u0669\u0669\u0668\u0662\u0662\u0664\u0667\u0662\u0665",  # Arabic-Indic digits
        "\uff15\uff12\uff19\uff19\uff18\uff12\uff12\uff14\uff17\uff12\uff15",  # fullwidth digits
        "5299822472\u0665",
    ],
)
def test_it_rejects_digits_of_other_scripts(cpf: str) -> None:
    assert not is_valid_cpf(normalize_cpf(cpf))
    assert normalize_cpf(cpf) == cpf  # not a CPF's shape: left for the validator, never half-normalised


@pytest.mark.parametrize("raw", ["529.982.247-25", " 529.982.247-25 ", "52998224725", "529982247-25"])
def test_it_normalises_formatted_input_to_digits(raw: str) -> None:
    assert normalize_cpf(raw) == "52998224725"


def test_it_leaves_input_that_is_not_a_cpf_shape_for_the_validator_to_reject() -> None:
    assert normalize_cpf("529.982.247-25x") == "529.982.247-25x"
    assert not is_valid_cpf(normalize_cpf("529.982.247-25x"))


def test_generated_cpfs_are_valid() -> None:
    assert all(is_valid_cpf(generate_cpf()) for _ in range(200))


def test_it_formats_digits_for_display() -> None:
    assert format_cpf("52998224725") == "529.982.247-25"
