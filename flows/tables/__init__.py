"""Tables as the schemas declare them: frames built, validated and described from the Pandera models.

Takes plain rows or frames and the models of schemas/; gives typed frames (frames.py), validated tables or one
error naming table, row and rule (validate.py), and each table's and column's description (codebook.py), from
which every published description is generated. Every stage uses these; open validate.py first.
"""
