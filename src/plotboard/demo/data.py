"""The demo database: a small, realistic, deterministic company in one SQLite file.

Three tables (see DESIGN.md, "Demo data"):

* ``offices`` — ten offices in three regions (AMER, EMEA, APAC).
* ``employees`` — 2,000 people in seven departments with a management tree, hire dates from
  2015 to 2025, salaries (annual, in US dollars) that depend on department, level, country,
  tenure and rating, about 15 % remote.
* ``sales`` — 50,000 order lines from 2023 to 2025 in four sales regions, sold by people of the
  Sales department, with yearly growth, a strong fourth quarter and quiet weekends.

Everything comes from ``random.Random(seed)``: the same seed gives the same rows. The file is
written to a temporary name beside the target and moved into place with ``os.replace``, so the
target path is either the old file or the complete new one, never something in between.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import itertools
import os
import random
import sqlite3
import tempfile
import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Final, NamedTuple

__all__ = [
    "DEFAULT_SEED",
    "DEMO_DATA_VERSION",
    "DEPARTMENTS",
    "EMPLOYEE_COUNT",
    "HIRE_DATE_RANGE",
    "OFFICES",
    "PRODUCTS",
    "PRODUCT_CATEGORIES",
    "SALES_COUNT",
    "SALES_DATE_RANGE",
    "SALES_REGIONS",
    "DemoStats",
    "generate_demo_database",
]

DEFAULT_SEED: Final = 2024
#: Stored in ``PRAGMA user_version``; bump it when the shape or content rules change.
DEMO_DATA_VERSION: Final = 1
EMPLOYEE_COUNT: Final = 2000
SALES_COUNT: Final = 50_000

#: ``(city, country, region)`` in ``office_id`` order (Tokyo is office 1).
OFFICES: Final[tuple[tuple[str, str, str], ...]] = (
    ("Tokyo", "Japan", "APAC"),
    ("Paris", "France", "EMEA"),
    ("New York", "United States", "AMER"),
    ("London", "United Kingdom", "EMEA"),
    ("Berlin", "Germany", "EMEA"),
    ("São Paulo", "Brazil", "AMER"),
    ("Sydney", "Australia", "APAC"),
    ("Toronto", "Canada", "AMER"),
    ("Singapore", "Singapore", "APAC"),
    ("Mumbai", "India", "APAC"),
)
DEPARTMENTS: Final[tuple[str, ...]] = (
    "Engineering",
    "Sales",
    "Marketing",
    "Finance",
    "HR",
    "Support",
    "Operations",
)
SALES_REGIONS: Final[tuple[str, ...]] = ("North", "South", "East", "West")

#: ``(product, category, list_price)``; ``unit_price`` is the list price less a discount.
PRODUCTS: Final[tuple[tuple[str, str, float], ...]] = (
    ("Laptop Pro 14", "Hardware", 1899.00),
    ("Laptop Air 13", "Hardware", 1199.00),
    ("Workstation Tower", "Hardware", 2499.00),
    ("4K Monitor 27", "Hardware", 429.00),
    ("Wireless Mouse", "Accessories", 39.90),
    ("Mechanical Keyboard", "Accessories", 129.00),
    ("USB-C Dock", "Accessories", 219.00),
    ("Noise-Cancelling Headset", "Accessories", 249.00),
    ("Office Suite License", "Software", 149.00),
    ("Security Suite", "Software", 89.00),
    ("Design Studio", "Software", 599.00),
    ("Cloud Backup 1 TB", "Software", 99.00),
    ("Onsite Setup", "Services", 350.00),
    ("Extended Warranty", "Services", 199.00),
    ("Training Day", "Services", 1200.00),
    ("Premium Support Plan", "Services", 899.00),
)
PRODUCT_CATEGORIES: Final[tuple[str, ...]] = ("Hardware", "Accessories", "Software", "Services")

HIRE_DATE_RANGE: Final = (dt.date(2015, 1, 1), dt.date(2025, 12, 31))
SALES_DATE_RANGE: Final = (dt.date(2023, 1, 1), dt.date(2025, 12, 31))


@dataclass(frozen=True, slots=True)
class DemoStats:
    """Row counts of the generated demo database."""

    offices: int
    employees: int
    sales: int


# --------------------------------------------------------------------------------------------
# Schema

_SCHEMA: Final = """
CREATE TABLE offices (
    office_id INTEGER PRIMARY KEY,
    city TEXT NOT NULL,
    country TEXT NOT NULL,
    region TEXT NOT NULL,
    opened_on DATE NOT NULL
);
CREATE TABLE employees (
    employee_id INTEGER PRIMARY KEY,
    full_name TEXT NOT NULL,
    email TEXT NOT NULL UNIQUE,
    department TEXT NOT NULL,
    job_title TEXT NOT NULL,
    location TEXT NOT NULL,
    country TEXT NOT NULL,
    office_id INTEGER NOT NULL REFERENCES offices (office_id),
    manager_id INTEGER NULL REFERENCES employees (employee_id),
    hire_date DATE NOT NULL,
    salary REAL NOT NULL,
    is_remote BOOLEAN NOT NULL CHECK (is_remote IN (0, 1)),
    performance_rating INTEGER NOT NULL CHECK (performance_rating BETWEEN 1 AND 5)
);
CREATE TABLE sales (
    sale_id INTEGER PRIMARY KEY,
    sale_date DATE NOT NULL,
    sales_region TEXT NOT NULL,
    product TEXT NOT NULL,
    category TEXT NOT NULL,
    quantity INTEGER NOT NULL,
    unit_price REAL NOT NULL,
    amount REAL NOT NULL,
    employee_id INTEGER NOT NULL REFERENCES employees (employee_id)
);
"""

_INDEXES: Final = """
CREATE INDEX ix_employees_office_id ON employees (office_id);
CREATE INDEX ix_employees_manager_id ON employees (manager_id);
CREATE INDEX ix_employees_location ON employees (location);
CREATE INDEX ix_sales_employee_id ON sales (employee_id);
CREATE INDEX ix_sales_sale_date ON sales (sale_date);
CREATE INDEX ix_sales_sales_region ON sales (sales_region);
"""

# --------------------------------------------------------------------------------------------
# Offices

_OFFICE_OPENED: Final[tuple[dt.date, ...]] = (
    dt.date(2017, 4, 3),  # Tokyo
    dt.date(2016, 9, 12),  # Paris
    dt.date(2012, 3, 5),  # New York
    dt.date(2013, 6, 17),  # London
    dt.date(2014, 10, 1),  # Berlin
    dt.date(2020, 2, 10),  # São Paulo
    dt.date(2018, 8, 6),  # Sydney
    dt.date(2015, 5, 4),  # Toronto
    dt.date(2019, 1, 14),  # Singapore
    dt.date(2021, 7, 1),  # Mumbai
)
#: Share of the headcount per office, in OFFICES order.
_OFFICE_HEADCOUNT: Final[tuple[float, ...]] = (9, 8, 21, 14, 10, 7, 7, 9, 6, 9)
#: Department mix: a company-wide base, bent per office (engineering hubs, support centres …).
_DEPARTMENT_MIX: Final[dict[str, float]] = {
    "Engineering": 30,
    "Sales": 22,
    "Marketing": 10,
    "Finance": 7,
    "HR": 7,
    "Support": 14,
    "Operations": 10,
}
_OFFICE_DEPARTMENT_BIAS: Final[dict[str, dict[str, float]]] = {
    "Tokyo": {"Sales": 1.1},
    "Paris": {"Marketing": 1.4},
    "New York": {"Sales": 1.3, "Finance": 1.5, "Marketing": 1.3},
    "London": {"Sales": 1.2, "Finance": 1.3},
    "Berlin": {"Engineering": 1.5},
    "São Paulo": {"Support": 1.6},
    "Sydney": {"Sales": 1.2, "Support": 1.2},
    "Toronto": {"Engineering": 1.2},
    "Singapore": {"Sales": 1.3, "Operations": 1.2},
    "Mumbai": {"Engineering": 1.6, "Support": 1.5, "Sales": 0.5},
}
#: Pay level of a country relative to the United States.
_COUNTRY_PAY: Final[dict[str, float]] = {
    "United States": 1.00,
    "United Kingdom": 0.78,
    "Germany": 0.80,
    "France": 0.70,
    "Japan": 0.68,
    "Australia": 0.82,
    "Canada": 0.78,
    "Singapore": 0.80,
    "Brazil": 0.38,
    "India": 0.30,
}

# --------------------------------------------------------------------------------------------
# Jobs


class _Ladder(NamedTuple):
    ics: tuple[str, ...]  # individual contributor titles, junior first
    manager: str
    director: str
    head: str


_LADDERS: Final[dict[str, _Ladder]] = {
    "Engineering": _Ladder(
        (
            "Junior Software Engineer",
            "Software Engineer",
            "Senior Software Engineer",
            "Staff Engineer",
        ),
        "Engineering Manager",
        "Director of Engineering",
        "VP of Engineering",
    ),
    "Sales": _Ladder(
        ("Sales Development Representative", "Account Executive", "Senior Account Executive"),
        "Sales Manager",
        "Regional Sales Director",
        "VP of Sales",
    ),
    "Marketing": _Ladder(
        ("Marketing Coordinator", "Marketing Specialist", "Senior Marketing Specialist"),
        "Marketing Manager",
        "Marketing Director",
        "VP of Marketing",
    ),
    "Finance": _Ladder(
        ("Accounting Associate", "Financial Analyst", "Senior Financial Analyst"),
        "Finance Manager",
        "Finance Director",
        "Chief Financial Officer",
    ),
    "HR": _Ladder(
        ("HR Coordinator", "HR Generalist", "HR Business Partner"),
        "HR Manager",
        "HR Director",
        "VP of People",
    ),
    "Support": _Ladder(
        ("Support Associate", "Support Specialist", "Senior Support Specialist"),
        "Support Team Lead",
        "Director of Support",
        "VP of Customer Support",
    ),
    "Operations": _Ladder(
        ("Operations Associate", "Operations Analyst", "Senior Operations Analyst"),
        "Operations Manager",
        "Director of Operations",
        "VP of Operations",
    ),
}
#: US pay of a mid-level individual contributor.
_BASE_SALARY: Final[dict[str, float]] = {
    "Engineering": 130_000,
    "Sales": 85_000,
    "Marketing": 90_000,
    "Finance": 95_000,
    "HR": 80_000,
    "Support": 62_000,
    "Operations": 75_000,
}
_IC_PAY: Final[tuple[float, ...]] = (0.78, 1.0, 1.28, 1.6)
_ROLE_PAY: Final[dict[str, float]] = {"manager": 1.5, "director": 1.95, "head": 2.7}
_REMOTE_SHARE: Final[dict[str, float]] = {
    "ic": 0.17,
    "manager": 0.08,
    "director": 0.03,
    "head": 0.0,
}
#: Tenure (years, plus noise) needed for each individual-contributor step.
_IC_STEPS: Final[dict[int, tuple[float, ...]]] = {3: (2.5, 6.0), 4: (2.0, 5.0, 8.0)}
_RATING_WEIGHTS: Final[tuple[float, ...]] = (4, 12, 42, 32, 10)  # ratings 1..5
#: Hiring per calendar year (company growth, a 2020 freeze, a 2023 slowdown).
_HIRING_BY_YEAR: Final[dict[int, float]] = {
    2015: 0.45,
    2016: 0.55,
    2017: 0.65,
    2018: 0.8,
    2019: 0.95,
    2020: 0.7,
    2021: 1.15,
    2022: 1.3,
    2023: 0.9,
    2024: 1.05,
    2025: 1.2,
}
#: Groups at least this large get a director rather than a manager as their local lead.
_DIRECTOR_GROUP_SIZE: Final = 12
_SPAN_OF_CONTROL: Final = 8

# --------------------------------------------------------------------------------------------
# Names: ``culture -> (first names, last names)``; an office draws mostly, not only, locally.


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split(", "))


_NAMES: Final[dict[str, tuple[tuple[str, ...], tuple[str, ...]]]] = {
    "japanese": (
        _names(
            "Haruto, Yui, Sota, Aoi, Ren, Hina, Yuto, Sakura, Kenji, Yuki, Takumi, Mei, Hiroshi, "
            "Akiko, Daiki, Naomi, Kaito, Emi, Shota, Rina, Riku, Misaki, Kazuki, Ayaka, Yusuke, "
            "Nanami, Tomoko, Satoshi"
        ),
        _names(
            "Sato, Suzuki, Takahashi, Tanaka, Watanabe, Ito, Yamamoto, Nakamura, Kobayashi, Kato, "
            "Yoshida, Yamada, Sasaki, Matsumoto, Inoue, Kimura, Hayashi, Shimizu, Mori, Abe, "
            "Ikeda, Hashimoto, Ishikawa, Ogawa, Fujita, Okada, Goto, Hasegawa"
        ),
    ),
    "french": (
        _names(
            "Camille, Léa, Chloé, Manon, Inès, Louis, Hugo, Théo, Lucas, Jules, Élodie, Amélie, "
            "Mathieu, Julien, Céline, Antoine, Hélène, François, Margaux, Noémie, Baptiste, "
            "Clémence, Guillaume, Anaïs, Nicolas, Pauline, Rémi, Sandrine"
        ),
        _names(
            "Martin, Bernard, Dubois, Thomas, Robert, Richard, Petit, Durand, Leroy, Moreau, "
            "Simon, Laurent, Lefèvre, Michel, Fournier, Girard, Bonnet, Dupont, Lambert, "
            "Fontaine, Rousseau, Mercier, Blanc, Guérin, Faure, Chevalier, Perrin, Marchand"
        ),
    ),
    "french_canadian": (
        _names(
            "Étienne, Geneviève, Marc-André, Sébastien, Isabelle, Mélanie, Olivier, Catherine, "
            "Jean-Philippe, Annie, Maxime, Émilie"
        ),
        _names(
            "Tremblay, Gagnon, Roy, Côté, Bouchard, Gauthier, Morin, Lavoie, Fortin, Pelletier, "
            "Bélanger, Lévesque"
        ),
    ),
    "american": (
        _names(
            "James, Mary, Michael, Jennifer, David, Sarah, Chris, Jessica, Daniel, Ashley, "
            "Matthew, Emily, Andrew, Megan, Joshua, Lauren, Tyler, Rachel, Brandon, Hannah, "
            "Kevin, Nicole, Ryan, Stephanie, Justin, Amanda, Eric, Brittany, Jason, Kimberly"
        ),
        _names(
            "Smith, Johnson, Williams, Brown, Jones, Miller, Davis, Wilson, Anderson, Taylor, "
            "Moore, Jackson, White, Harris, Clark, Lewis, Walker, Hall, Young, King, Scott, "
            "Baker, Adams, Nelson, Carter, Mitchell, Roberts, Turner, Phillips, Parker, Collins, "
            "Stewart"
        ),
    ),
    "british": (
        _names(
            "Oliver, Amelia, George, Isla, Harry, Olivia, Jack, Charlotte, Thomas, Sophie, "
            "William, Grace, Alfie, Freya, Oscar, Poppy, Callum, Eleanor, Rhys, Imogen, Henry, "
            "Lily, Archie, Ella, Jamie, Niamh, Ewan, Harriet, Owen, Phoebe"
        ),
        _names(
            "Smith, Jones, Taylor, Brown, Evans, Wilson, Roberts, Wright, Walker, Wood, Hughes, "
            "Green, Edwards, Thompson, Clarke, O'Connor, Campbell, Murphy, MacDonald, Bennett, "
            "Lewis, Robinson, Cooper, Morris, Ward, Turner, Harrison, Davies, Kelly, Shaw"
        ),
    ),
    "hispanic": (
        _names(
            "Carlos, Sofía, Diego, Valentina, Javier, Lucía, Alejandro, Isabel, Miguel, Camila, "
            "Andrés, María, Luis, Gabriela, Jorge, Daniela"
        ),
        _names(
            "García, Rodríguez, Martínez, Hernández, López, González, Pérez, Sánchez, Ramírez, "
            "Torres, Flores, Núñez, Rivera, Morales, Castillo, Vargas"
        ),
    ),
    "german": (
        _names(
            "Lukas, Leon, Finn, Jonas, Paul, Felix, Maximilian, Mia, Emma, Lena, Anna, Laura, "
            "Jana, Jürgen, Sabine, Katrin, Stefan, Matthias, Jörg, Birgit, Tobias, Julia, Niklas, "
            "Marie, Sebastian, Franziska, Moritz, Anja"
        ),
        _names(
            "Müller, Schmidt, Schneider, Fischer, Weber, Meyer, Wagner, Becker, Schulz, Hoffmann, "
            "Schäfer, Koch, Bauer, Richter, Klein, Wolf, Schröder, Neumann, Schwarz, Zimmermann, "
            "Krüger, Weiß, Braun, Hofmann, Lange, Werner, Krause, Lehmann, Vogel, Jäger"
        ),
    ),
    "turkish": (
        _names("Mehmet, Ayşe, Emre, Zeynep, Can, Elif, Burak, Selin"),
        _names(
            "Yılmaz, Kaya, Demir, Şahin, Çelik, Aydın, Öztürk, Arslan"  # noqa: RUF001
        ),
    ),
    "polish": (
        _names("Jakub, Zofia, Kacper, Maja, Wojciech, Agnieszka, Piotr, Katarzyna, Michał, Paweł"),
        _names("Nowak, Wójcik, Kowalczyk, Mazur, Krawczyk, Zając, Król, Wróbel"),
    ),
    "brazilian": (
        _names(
            "João, Gabriel, Pedro, Matheus, Rafael, Guilherme, Felipe, Bruno, Thiago, Ana, "
            "Beatriz, Júlia, Mariana, Larissa, Fernanda, Letícia, Gabriela, Luíza, Vinícius, "
            "Renata, Leonardo, Carolina, Rodrigo, Patrícia, Gustavo, Tatiane"
        ),
        _names(
            "Silva, Santos, Oliveira, Souza, Ferreira, Alves, Pereira, Lima, Gomes, Costa, "
            "Ribeiro, Martins, Carvalho, Almeida, Araújo, Barbosa, Rocha, Nascimento, Gonçalves, "
            "Moreira, Cardoso, Teixeira, Correia, Mendes, Castro, Pinto"
        ),
    ),
    "indian": (
        _names(
            "Aarav, Vivaan, Aditya, Arjun, Rohan, Rahul, Vikram, Sanjay, Priya, Ananya, Diya, "
            "Kavya, Neha, Pooja, Aishwarya, Deepika, Ishaan, Meera, Nikhil, Sneha, Karan, "
            "Siddharth, Varun, Amit, Rajesh, Suresh, Lakshmi, Shreya, Tanvi, Riya, Harsha, Divya, "
            "Anil, Swati"
        ),
        _names(
            "Sharma, Patel, Singh, Kumar, Gupta, Iyer, Reddy, Nair, Mehta, Joshi, Rao, Desai, "
            "Chopra, Kapoor, Menon, Pillai, Bose, Banerjee, Agarwal, Verma, Malhotra, Saxena, "
            "Bhat, Kulkarni, Chatterjee, Mukherjee, Krishnan, Subramanian, Shetty, Jain, Ghosh, "
            "Naidu, Pandey, Mishra"
        ),
    ),
    "chinese": (
        _names("Wei, Fang, Lei, Jing, Yan, Hao, Xiaoming, Yuxuan, Min, Lin, Jie, Ying, Tao, Xin"),
        _names("Wang, Zhang, Liu, Chen, Yang, Huang, Zhao, Wu, Zhou, Xu, Li, Sun, Ma, Zhu"),
    ),
    "singaporean_chinese": (
        _names(
            "Wei Ming, Jun Jie, Hui Min, Jia Hui, Zhi Hao, Xin Yi, Kai Wen, Mei Ling, Shu Fen, "
            "Wen Jie, Jasmine, Marcus, Rachel, Darren, Gabriel, Chloe, Bryan, Valerie, Zi Xuan, "
            "Yi Ting"
        ),
        _names(
            "Tan, Lim, Lee, Ng, Ong, Wong, Goh, Chua, Chan, Koh, Teo, Ang, Yeo, Tay, Ho, Low, "
            "Sim, Toh, Foo, Quek"
        ),
    ),
    "malay": (
        _names("Nurul, Muhammad, Siti, Ahmad, Aisyah, Farid, Hafiz, Nadia"),
        _names("Rahman, Ismail, Hassan, Ibrahim, Yusof, Osman, Salleh, Aziz"),
    ),
    "korean": (
        _names("Min-jun, Seo-yeon, Ji-ho, Ha-eun, Do-yun, Ji-woo, Seung-woo, Soo-ah"),
        _names("Kim, Park, Choi, Jung, Kang, Cho, Yoon, Han"),
    ),
    "nigerian": (
        _names("Chinedu, Ngozi, Oluwaseun, Adaeze, Emeka, Folake, Tunde, Chiamaka"),
        _names("Okafor, Adeyemi, Okonkwo, Balogun, Eze, Nwosu, Oyelaran, Adebayo"),
    ),
    "arabic": (
        _names("Omar, Layla, Yusuf, Fatima, Karim, Nour, Samir, Amira"),
        _names("Haddad, Khalil, Nasser, Mansour, Saleh, Farouk, Hamdan, Benali"),
    ),
    "vietnamese": (
        _names("Minh, Linh, Anh, Thảo, Quang, Huong"),
        _names("Nguyễn, Trần, Lê, Phạm, Hoàng, Đặng"),
    ),
}
_CULTURE_MIX: Final[dict[str, dict[str, float]]] = {
    "Japan": {"japanese": 86, "korean": 4, "chinese": 3, "american": 4, "indian": 3},
    "France": {
        "french": 70,
        "arabic": 10,
        "polish": 4,
        "nigerian": 4,
        "hispanic": 4,
        "british": 3,
        "german": 3,
        "vietnamese": 2,
    },
    "United States": {
        "american": 50,
        "hispanic": 15,
        "chinese": 7,
        "indian": 9,
        "korean": 4,
        "nigerian": 4,
        "arabic": 3,
        "polish": 2,
        "japanese": 2,
        "german": 2,
        "british": 2,
    },
    "United Kingdom": {
        "british": 58,
        "indian": 12,
        "polish": 6,
        "nigerian": 6,
        "french": 4,
        "arabic": 4,
        "chinese": 4,
        "german": 3,
        "hispanic": 3,
    },
    "Germany": {
        "german": 66,
        "turkish": 9,
        "polish": 8,
        "arabic": 5,
        "french": 3,
        "british": 3,
        "indian": 4,
        "hispanic": 2,
    },
    "Brazil": {"brazilian": 84, "hispanic": 6, "japanese": 4, "german": 3, "arabic": 3},
    "Australia": {
        "british": 48,
        "american": 12,
        "chinese": 12,
        "indian": 10,
        "vietnamese": 6,
        "korean": 4,
        "hispanic": 4,
        "arabic": 4,
    },
    "Canada": {
        "american": 38,
        "french_canadian": 22,
        "chinese": 10,
        "indian": 12,
        "british": 8,
        "korean": 4,
        "arabic": 3,
        "polish": 3,
    },
    "Singapore": {
        "singaporean_chinese": 55,
        "malay": 15,
        "indian": 18,
        "british": 5,
        "american": 3,
        "japanese": 2,
        "korean": 2,
    },
    "India": {"indian": 93, "british": 3, "american": 2, "arabic": 2},
}
#: Letters that Unicode decomposition does not reduce to ASCII.
_ASCII_FOLD: Final = str.maketrans(
    {
        "ß": "ss",
        "ø": "o",
        "Ø": "O",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ł": "l",
        "Ł": "L",
        "đ": "d",
        "Đ": "D",
        "\u0131": "i",  # dotless i
    }
)
_EMAIL_DOMAIN: Final = "example.com"

# --------------------------------------------------------------------------------------------
# Sales

#: Sales volume per year (growth) and per month (quiet summer, strong fourth quarter).
_SALES_BY_YEAR: Final[dict[int, float]] = {2023: 1.0, 2024: 1.22, 2025: 1.45}
_SALES_BY_MONTH: Final[tuple[float, ...]] = (  # January to December
    0.80,
    0.82,
    0.95,
    0.90,
    0.92,
    1.00,
    0.88,
    0.85,
    1.00,
    1.10,
    1.30,
    1.45,
)
_SALES_BY_WEEKDAY: Final[tuple[float, ...]] = (1.0, 1.05, 1.05, 1.0, 0.95, 0.3, 0.15)
#: Share of orders per sales region, per year (South grows fastest).
_REGION_SHARE: Final[dict[int, tuple[float, ...]]] = {
    2023: (36, 13, 22, 29),
    2024: (34, 15, 22, 29),
    2025: (32, 18, 22, 28),
}
#: Relative popularity of each product (PRODUCTS order) and the yearly drift of its category.
_PRODUCT_POPULARITY: Final[tuple[float, ...]] = (7, 9, 3, 10, 14, 9, 8, 7, 10, 8, 4, 7, 4, 6, 2, 3)
_CATEGORY_TREND: Final[dict[str, float]] = {
    "Hardware": -0.04,
    "Accessories": 0.0,
    "Software": 0.15,
    "Services": 0.08,
}
#: Quantity per order line: ``(minimum, maximum, skew)``; a larger skew favours small orders.
_QUANTITY: Final[dict[str, tuple[int, int, float]]] = {
    "Hardware": (1, 20, 2.4),
    "Accessories": (1, 60, 2.2),
    "Software": (5, 200, 2.6),
    "Services": (1, 5, 2.0),
}
_DISCOUNTS: Final[tuple[float, ...]] = (0.0, 0.05, 0.10, 0.15, 0.20)
_DISCOUNT_WEIGHTS: Final[tuple[float, ...]] = (55, 20, 13, 8, 4)
#: Who closes deals: individual-contributor levels, then managers and directors.
_SELLER_WEIGHT: Final[dict[str, float]] = {"manager": 0.6, "director": 0.25}
_SELLER_IC_WEIGHT: Final[tuple[float, ...]] = (0.35, 1.0, 1.4)


# --------------------------------------------------------------------------------------------
# Generation


@dataclass(slots=True, eq=False)  # compared by identity
class _Person:
    index: int
    office: int  # position in OFFICES
    department: str
    hire: int  # date ordinal
    first: str
    last: str
    role: str = "ic"  # ic, manager, director, head
    level: int = 0  # individual-contributor level
    title: str = ""
    manager: _Person | None = None
    employee_id: int = 0


class _Tables(NamedTuple):
    offices: list[tuple[object, ...]]
    employees: list[tuple[object, ...]]
    sales: list[tuple[object, ...]]


def _cumulative(weights: Sequence[float]) -> list[float]:
    return list(itertools.accumulate(weights))


def _pick(rng: random.Random, cum: Sequence[float], hi: int | None = None) -> int:
    """Index drawn with the cumulative weights ``cum`` (restricted to the first ``hi``)."""
    top = len(cum) if hi is None else hi
    return bisect_right(cum, rng.random() * cum[top - 1], 0, top - 1)


def _email_part(text: str) -> str:
    folded = unicodedata.normalize("NFKD", text.translate(_ASCII_FOLD))
    ascii_text = folded.encode("ascii", "ignore").decode("ascii").lower()
    return "".join(ch for ch in ascii_text if ch.isalnum())


def _hire_day_weights(opened: dt.date) -> tuple[list[int], list[float]]:
    first = max(opened, HIRE_DATE_RANGE[0]).toordinal()
    days = list(range(first, HIRE_DATE_RANGE[1].toordinal() + 1))
    weights: list[float] = []
    for ordinal in days:
        day = dt.date.fromordinal(ordinal)
        weights.append(_HIRING_BY_YEAR[day.year] if day.weekday() < 5 else 0.0)
    return days, _cumulative(weights)


def _draw_people(rng: random.Random) -> list[_Person]:
    office_cum = _cumulative(_OFFICE_HEADCOUNT)
    department_cum = [
        _cumulative(
            [
                weight * _OFFICE_DEPARTMENT_BIAS[city].get(department, 1.0)
                for department, weight in _DEPARTMENT_MIX.items()
            ]
        )
        for city, _, _ in OFFICES
    ]
    department_names = list(_DEPARTMENT_MIX)
    culture_names = [list(_CULTURE_MIX[country]) for _, country, _ in OFFICES]
    culture_cum = [_cumulative(list(_CULTURE_MIX[country].values())) for _, country, _ in OFFICES]
    hire_days = [_hire_day_weights(opened) for opened in _OFFICE_OPENED]

    people: list[_Person] = []
    for index in range(EMPLOYEE_COUNT):
        office = _pick(rng, office_cum)
        department = department_names[_pick(rng, department_cum[office])]
        culture = culture_names[office][_pick(rng, culture_cum[office])]
        firsts, lasts = _NAMES[culture]
        first = firsts[int(rng.random() * len(firsts))]
        last = lasts[int(rng.random() * len(lasts))]
        days, cum = hire_days[office]
        hire = days[_pick(rng, cum)]
        people.append(_Person(index, office, department, hire, first, last))
    return people


def _build_hierarchy(rng: random.Random, people: list[_Person]) -> None:
    """Give everyone a role, a title and a manager who was hired no later than they were."""
    as_of = HIRE_DATE_RANGE[1].toordinal() + 1
    for department in DEPARTMENTS:
        ladder = _LADDERS[department]
        members = sorted(
            (p for p in people if p.department == department), key=lambda p: (p.hire, p.index)
        )
        head = members[0]  # the longest-serving person runs the department
        head.role, head.title = "head", ladder.head
        for office in range(len(OFFICES)):
            group = [p for p in members if p.office == office]
            if not group:
                continue
            lead: _Person | None
            if head in group:
                lead = head
            elif len(group) >= 3:
                lead = group[0]
                if len(group) >= _DIRECTOR_GROUP_SIZE:
                    lead.role, lead.title = "director", ladder.director
                else:
                    lead.role, lead.title = "manager", ladder.manager
                lead.manager = head
            else:
                lead = None  # too small for a local lead: report to the head directly
            rest = [p for p in group if p is not lead]
            managers: list[_Person] = []
            if len(rest) >= _SPAN_OF_CONTROL - 1:
                count = max(1, round(len(rest) / _SPAN_OF_CONTROL))
                managers = rest[:count]
                for manager in managers:
                    manager.role, manager.title = "manager", ladder.manager
                    manager.manager = lead
            for person in rest[len(managers) :]:
                if managers:
                    person.manager = managers[int(rng.random() * len(managers))]
                else:
                    person.manager = lead or head
                tenure = (as_of - person.hire) / 365.25 + rng.gauss(0.0, 1.5)
                steps = _IC_STEPS[len(ladder.ics)]
                person.level = sum(tenure >= step for step in steps)
                person.title = ladder.ics[person.level]


def _depth(person: _Person) -> int:
    depth = 0
    boss = person.manager
    while boss is not None:
        depth += 1
        boss = boss.manager
    return depth


def _employee_rows(rng: random.Random, people: list[_Person]) -> list[tuple[object, ...]]:
    # Ids follow hire order; a manager hired the same day comes before their report, so every
    # manager_id is smaller than the employee_id that points at it.
    ordered = sorted(people, key=lambda p: (p.hire, _depth(p), p.index))
    for employee_id, person in enumerate(ordered, start=1):
        person.employee_id = employee_id

    rating_cum = _cumulative(_RATING_WEIGHTS)
    as_of = HIRE_DATE_RANGE[1].toordinal() + 1
    taken: dict[str, int] = {}
    rows: list[tuple[object, ...]] = []
    for person in ordered:
        city, country, _ = OFFICES[person.office]
        rating = _pick(rng, rating_cum) + 1
        is_remote = 1 if rng.random() < _REMOTE_SHARE[person.role] else 0
        pay = _IC_PAY[person.level] if person.role == "ic" else _ROLE_PAY[person.role]
        tenure = (as_of - person.hire) / 365.25
        salary = (
            _BASE_SALARY[person.department]
            * pay
            * _COUNTRY_PAY[country]
            * (1.0 + 0.012 * tenure)
            * (1.0 + 0.03 * (rating - 3))
            * rng.lognormvariate(0.0, 0.07)
        )
        local = f"{_email_part(person.first)}.{_email_part(person.last)}"
        seen = taken.get(local, 0) + 1
        taken[local] = seen
        email = f"{local}{seen if seen > 1 else ''}@{_EMAIL_DOMAIN}"
        rows.append(
            (
                person.employee_id,
                f"{person.first} {person.last}",
                email,
                person.department,
                person.title,
                city,
                country,
                person.office + 1,
                person.manager.employee_id if person.manager else None,
                dt.date.fromordinal(person.hire).isoformat(),
                float(round(salary, -2)),
                is_remote,
                rating,
            )
        )
    return rows


def _sales_rows(rng: random.Random, people: list[_Person]) -> list[tuple[object, ...]]:
    sellers = sorted(
        (p for p in people if p.department == "Sales" and p.role != "head"),
        key=lambda p: p.employee_id,
    )
    # Every seller covers one region; the longest-serving four cover one region each so that
    # every region has someone selling from the first day.
    overall_share = _cumulative([sum(s[i] for s in _REGION_SHARE.values()) for i in range(4)])
    territory: dict[str, list[_Person]] = {region: [] for region in SALES_REGIONS}
    for position, seller in enumerate(sellers):
        if position < len(SALES_REGIONS):
            region = SALES_REGIONS[position]
        else:
            region = SALES_REGIONS[_pick(rng, overall_share)]
        territory[region].append(seller)
    team_hired: dict[str, list[int]] = {}
    team_cum: dict[str, list[float]] = {}
    for region, team in territory.items():
        team_hired[region] = [p.hire for p in team]
        team_cum[region] = _cumulative(
            [_SELLER_IC_WEIGHT[p.level] if p.role == "ic" else _SELLER_WEIGHT[p.role] for p in team]
        )

    first, last = (d.toordinal() for d in SALES_DATE_RANGE)
    days = list(range(first, last + 1))
    day_cum = _cumulative(
        [
            _SALES_BY_YEAR[day.year]
            * _SALES_BY_MONTH[day.month - 1]
            * _SALES_BY_WEEKDAY[day.weekday()]
            for day in map(dt.date.fromordinal, days)
        ]
    )
    sale_days = sorted(rng.choices(days, cum_weights=day_cum, k=SALES_COUNT))

    region_cum = {year: _cumulative(share) for year, share in _REGION_SHARE.items()}
    product_cum = {
        year: _cumulative(
            [
                popularity * (1.0 + _CATEGORY_TREND[category]) ** (year - 2023)
                for popularity, (_, category, _) in zip(_PRODUCT_POPULARITY, PRODUCTS, strict=True)
            ]
        )
        for year in _SALES_BY_YEAR
    }
    discount_cum = _cumulative(_DISCOUNT_WEIGHTS)

    iso: dict[int, str] = {}
    years: dict[int, int] = {}
    rows: list[tuple[object, ...]] = []
    for sale_id, ordinal in enumerate(sale_days, start=1):
        if ordinal not in iso:
            day = dt.date.fromordinal(ordinal)
            iso[ordinal], years[ordinal] = day.isoformat(), day.year
        year = years[ordinal]
        region = SALES_REGIONS[_pick(rng, region_cum[year])]
        product, category, list_price = PRODUCTS[_pick(rng, product_cum[year])]
        low, high, skew = _QUANTITY[category]
        quantity = low + int((high - low + 1) * rng.random() ** skew)
        discount = _DISCOUNTS[_pick(rng, discount_cum)]
        if quantity >= high // 2 and discount < _DISCOUNTS[-1]:
            discount += 0.05  # volume deal
        unit_price = round(list_price * (1.0 - discount), 2)
        amount = round(quantity * unit_price, 2)
        # A seller of that region already on the payroll that day.
        hired = bisect_right(team_hired[region], ordinal) or 1
        seller = territory[region][_pick(rng, team_cum[region], hired)]
        rows.append(
            (
                sale_id,
                iso[ordinal],
                region,
                product,
                category,
                quantity,
                unit_price,
                amount,
                seller.employee_id,
            )
        )
    return rows


def _build_tables(seed: int) -> _Tables:
    rng = random.Random(seed)
    offices: list[tuple[object, ...]] = [
        (office_id, city, country, region, opened.isoformat())
        for office_id, ((city, country, region), opened) in enumerate(
            zip(OFFICES, _OFFICE_OPENED, strict=True), start=1
        )
    ]
    people = _draw_people(rng)
    _build_hierarchy(rng, people)
    employees = _employee_rows(rng, people)
    sales = _sales_rows(rng, people)
    return _Tables(offices, employees, sales)


def _write_database(path: Path, tables: _Tables) -> None:
    conn = sqlite3.connect(path, isolation_level=None)
    try:
        conn.execute("PRAGMA journal_mode = MEMORY")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA foreign_keys = ON")  # rows go in parents-first: check as we go
        conn.execute("BEGIN")
        for statement in _SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.executemany("INSERT INTO offices VALUES (?, ?, ?, ?, ?)", tables.offices)
        conn.executemany(
            "INSERT INTO employees VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            tables.employees,
        )
        conn.executemany("INSERT INTO sales VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", tables.sales)
        for statement in _INDEXES.split(";"):
            if statement.strip():
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {DEMO_DATA_VERSION}")
        conn.execute("COMMIT")
    finally:
        conn.close()
    with path.open("rb+") as handle:
        os.fsync(handle.fileno())


def generate_demo_database(path: Path, *, seed: int = DEFAULT_SEED) -> DemoStats:
    """Write the demo SQLite database to ``path`` (replacing any file there) and count its rows.

    The same ``seed`` always gives the same rows. The database is built under a temporary name
    in the same folder and renamed over ``path`` only when complete.
    """
    path = Path(path)
    tables = _build_tables(seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    temp = Path(temp_name)
    try:
        os.chmod(temp, 0o644)  # demo data is not secret; mkstemp's 0600 would surprise
        _write_database(temp, tables)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            temp.unlink()
        raise
    return DemoStats(
        offices=len(tables.offices), employees=len(tables.employees), sales=len(tables.sales)
    )
