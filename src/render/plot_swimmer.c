/* placeholder during development */
typedef int plot_placeholder;
