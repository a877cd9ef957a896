"""Full screens: the chat, the first-run welcome, the keys help."""
