"""北京市高新技术企业认定"报备即批准"政策试点（京科创发〔2021〕114号）：试点条件 (一)–(四).

Condition (三) (domestic R&D ≥ 50 %) is the national Art. 11(五) criterion read with the pilot's
overlay parameter; condition (四) is every national criterion.
"""
