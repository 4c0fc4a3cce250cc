"""《高新技术企业认定管理办法》（国科发火〔2008〕172号）第十条 (一)–(六) and the Art. 2 registration age."""
