"""《苏州市高新技术企业培育实施细则》（2021版）入库条件 (一)–(八).

The computations are the national ones; the Suzhou values (5 %, two years at 3 %, 50 %, ≥ 60
points) come from ``parameters/variants/suzhou_cultivation/``.
"""
