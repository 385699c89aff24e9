"""The reference of bench/bilan: the bilan's figures by a pandas group-by of the lettings' CSV.

    /usr/bin/python3 bench/bilan/groupby.py FICHIER.csv PERIODES_JSON

Reads the CSV written by bench/bilan/run.ts (one row per letting of the year: bailleur,
département, line, the unit's attributes and the engine's flags), then computes, for each
dimension of the bilan (typology, financing, in/out QPV, commune, construction period), the
figures of each (bailleur, département, line, value): the same counters as `bilanAnnuel`
(src/domain/bilan.ts), the lettings "pour un tour" also counted on the bailleur's own line.
Prints on stdout one JSON object: the times (read, group-by), the number of rows and, for the
check made by run.ts, the number of cells and the totals per dimension × value × counter.
"""

import json
import sys
import time

try:
    import numpy as np
    import pandas as pd
except ImportError:
    print("pandas absent : installez python3-pandas (apt-get install python3-pandas)", file=sys.stderr)
    sys.exit(3)

fichier, periodes_json = sys.argv[1], sys.argv[2]
# [[code, last year or null], …] in order: src/domain/etat-des-lieux.ts PERIODES.
periodes = json.loads(periodes_json)

COMPTEURS = ["misADisposition", "proposes", "attribues", "bauxSignes", "echecs", "pourUnTour", "decomptes", "enCours"]
DIMENSIONS = ["typologie", "financement", "qpv", "commune", "periode"]
CLES = ["bailleur", "departement", "ligne"]

t0 = time.perf_counter()
df = pd.read_csv(
    fichier,
    dtype={
        "bailleur": "category",
        "departement": "category",
        "logement": "string",
        "ligne": "string",
        "exclusion": "category",
        "commune": "category",
        "typologie": "category",
        "financement": "category",
        "qpv": "string",
        "construction": "int16",
        "propose": "int8",
        "attribue": "int8",
        "bail": "int8",
        "echec": "int8",
        "pour_un_tour": "int8",
        "decompte": "int8",
        "en_cours": "int8",
    },
    keep_default_na=False,
    na_values={"ligne": [""], "qpv": [""], "exclusion": [""]},
)
t1 = time.perf_counter()

# The lettings in the flow, each counted on its line; those let "pour un tour" once more on the
# bailleur's own line (pourUnTour and decomptes), as bilanAnnuel does.
flux = df[df["ligne"].notna()]
bornes = [-np.inf] + [p[1] if p[1] is not None else np.inf for p in periodes]
communs = {
    "bailleur": flux["bailleur"],
    "departement": flux["departement"],
    "typologie": flux["typologie"],
    "financement": flux["financement"],
    "qpv": pd.Series(np.where(flux["qpv"].isna(), "hors_qpv", "qpv"), index=flux.index),
    "commune": flux["commune"],
    "periode": pd.cut(flux["construction"], bins=bornes, labels=[p[0] for p in periodes], right=True),
}
propres = pd.DataFrame(
    {
        **communs,
        "ligne": flux["ligne"],
        "misADisposition": 1,
        "proposes": flux["propose"],
        "attribues": flux["attribue"],
        "bauxSignes": flux["bail"],
        "echecs": flux["echec"],
        "pourUnTour": 0,
        "decomptes": flux["decompte"],
        "enCours": flux["en_cours"],
    }
)
tour = propres[flux["pour_un_tour"] == 1].copy()
tour["ligne"] = "BAILLEUR"
for c in COMPTEURS:
    tour[c] = 0
tour["pourUnTour"] = 1
tour["decomptes"] = 1
lignes = pd.concat([propres, tour], ignore_index=True)
lignes["ligne"] = lignes["ligne"].astype("category")
for d in DIMENSIONS:
    lignes[d] = lignes[d].astype("category")

resultats = {}
for d in DIMENSIONS:
    resultats[d] = lignes.groupby(CLES + [d], observed=True, sort=False)[COMPTEURS].sum()
t2 = time.perf_counter()

sortie = {
    "lecture_s": t1 - t0,
    "groupby_s": t2 - t1,
    "lignes": int(len(df)),
    "pandas": pd.__version__,
    "cellules": {d: int(len(r)) for d, r in resultats.items()},
    "totaux": {
        d: {str(v): {c: int(n) for c, n in ligne.items()} for v, ligne in r.groupby(level=d, observed=True).sum().iterrows()}
        for d, r in resultats.items()
    },
}
json.dump(sortie, sys.stdout)
